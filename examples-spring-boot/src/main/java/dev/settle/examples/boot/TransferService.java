package dev.settle.examples.boot;

import dev.settle.core.Outcome;
import dev.settle.examples.boot.Movement.Direction;
import dev.settle.spring.boot.TccParticipants;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * Moves money between two accounts, in the same bank or not, as one TCC transaction: a {@code
 * debit} branch on the payer's bank and a {@code credit} branch on the payee's.
 */
@Service
public class TransferService {
  private final TccCoordinator coordinator;
  /** Each bank, and the bank as the coordinator calls it. */
  private final Map<Bank, TccParticipant> banks = new LinkedHashMap<>();

  // A branch needs the bank as the coordinator calls it: behind the fence, each call in its own
  // Spring transaction. The starter registered that under the bank's name, for recovery too.
  // readme:begin spring-boot-fenced
  TransferService(TccCoordinator coordinator, TccParticipants participants, List<Bank> banks) {
    this.coordinator = coordinator;
    banks.forEach(b -> this.banks.put(b, participants.get(b.name())));   // behind the JDBC fence
  }
  // readme:end

  /**
   * Moves {@code amount} cents from {@code from} to {@code to} and returns how it ended: {@link
   * Outcome.Committed}, or {@link Outcome.RolledBack} naming the branch that refused (the payer
   * lacks the money).
   *
   * @throws IllegalArgumentException before anything runs, if {@code amount} is not positive, an
   *     account is unknown, or both are the same
   */
  public Outcome transfer(String from, String to, long amount) {
    if (amount <= 0) {
      throw new IllegalArgumentException("amount must be positive, was " + amount);
    }
    if (from.equals(to)) {
      throw new IllegalArgumentException("cannot transfer from account " + from + " to itself");
    }
    // readme:begin spring-boot-transfer
    TccParticipant payer = bankOf(from);   // the fenced bank holding the account
    TccParticipant payee = bankOf(to);
    return coordinator.execute(TccTransaction.builder()   // the starter's TccCoordinator bean
        .branch("debit", payer, new Movement(Direction.DEBIT, from, amount).encode())
        .branch("credit", payee, new Movement(Direction.CREDIT, to, amount).encode())
        .build());
    // readme:end
  }

  private TccParticipant bankOf(String account) {
    return banks.entrySet().stream()
        .filter(b -> b.getKey().holds(account))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown account \"" + account + "\": no bank holds it"));
  }
}
