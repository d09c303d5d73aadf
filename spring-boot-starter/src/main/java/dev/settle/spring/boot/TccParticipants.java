package dev.settle.spring.boot;

import dev.settle.tcc.spi.TccParticipant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TCC participants the starter registered with the TCC coordinator, by name: every {@link
 * TccParticipant} bean as it is, and every {@link TransactionalTccParticipant} bean behind the
 * JDBC fence. Build transactions with these, so each branch runs as recovery will run it:
 *
 * <pre>{@code
 * coordinator.execute(TccTransaction.builder()
 *     .branch("debit", participants.get("debit"), payload)
 *     .branch("credit", participants.get("credit"), payload)
 *     .build());
 * }</pre>
 */
public final class TccParticipants {
  private final Map<String, TccParticipant> byName = new LinkedHashMap<>();

  /**
   * The participants, each under its {@link TccParticipant#name()}.
   *
   * @throws IllegalStateException if two share a name: recovery could not tell them apart
   */
  public TccParticipants(List<TccParticipant> participants) {
    for (TccParticipant p : participants) {
      TccParticipant before = byName.putIfAbsent(p.name(), p);
      if (before != null) {
        throw new IllegalStateException(
            "two TCC participant beans are named \"" + p.name() + "\" (" + before + " and " + p
                + "); recovery finds a participant by its name, so names must be unique");
      }
    }
  }

  /**
   * The participant named {@code name}.
   *
   * @throws IllegalArgumentException if there is none, naming those there are
   */
  public TccParticipant get(String name) {
    TccParticipant p = byName.get(name);
    if (p == null) {
      throw new IllegalArgumentException(
          "no TCC participant named \"" + name + "\"; the beans registered are " + byName.keySet());
    }
    return p;
  }

  /** Every participant, in bean order. */
  public Collection<TccParticipant> all() {
    return List.copyOf(byName.values());
  }
}
