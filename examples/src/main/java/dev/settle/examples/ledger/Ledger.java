package dev.settle.examples.ledger;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * The write side: commands enter a FIFO queue; each is validated against the current state (an
 * unknown account, the same account twice, a non-positive amount, insufficient funds) and either
 * rejected and reported, or fulfilled as an event that is appended to the log and applied.
 */
public final class Ledger {
  /**
   * A command that was refused; never applied.
   *
   * @param command the command
   * @param reason why
   */
  public record Rejection(TransferCommand command, String reason) {}

  private final Queue<TransferCommand> queue = new ArrayDeque<>();
  private final EventLog log;
  private final LedgerState state = new LedgerState();
  private final Map<String, Integer> numbers = new HashMap<>();
  private final List<String> names = new ArrayList<>();
  private final List<Rejection> rejections = new ArrayList<>();

  /** An empty ledger writing to {@code log}. */
  public Ledger(EventLog log) {
    this.log = log;
  }

  /** Opens an account (an event of its own). */
  public void open(String name, long cents, long timeMillis) {
    if (numbers.containsKey(name)) {
      throw new IllegalArgumentException("account " + name + " already exists");
    }
    if (cents < 0) {
      throw new IllegalArgumentException("opening balance must not be negative, was " + cents);
    }
    int number = names.size();
    numbers.put(name, number);
    names.add(name);
    emit(new LedgerEvent.AccountOpened(number, name, cents, timeMillis));
  }

  /** Queues a command; nothing happens until {@link #processAll()}. */
  public void submit(TransferCommand command) {
    queue.add(command);
  }

  /** Processes every queued command in order; returns how many became events. */
  public int processAll() {
    int fulfilled = 0;
    TransferCommand command;
    while ((command = queue.poll()) != null) {
      String invalid = validate(command);
      if (invalid != null) {
        rejections.add(new Rejection(command, invalid));
      } else {
        emit(new LedgerEvent.MoneyMoved(numbers.get(command.from()), numbers.get(command.to()), command.cents(), command.timeMillis()));
        fulfilled++;
      }
    }
    return fulfilled;
  }

  private String validate(TransferCommand c) {
    Integer from = numbers.get(c.from());
    Integer to = numbers.get(c.to());
    if (from == null) {
      return "unknown account " + c.from();
    }
    if (to == null) {
      return "unknown account " + c.to();
    }
    if (from.equals(to)) {
      return "same account " + c.from() + " on both sides";
    }
    if (c.cents() <= 0) {
      return "amount must be positive, was " + c.cents();
    }
    if (state.balance(from) < c.cents()) {
      return "insufficient funds: " + c.from() + " holds " + state.balance(from) + ", needs " + c.cents();
    }
    return null;
  }

  private void emit(LedgerEvent event) {
    state.apply(event);
    log.append(event, state);
  }

  /** The live balance of {@code name}. */
  public long balance(String name) {
    Integer number = numbers.get(name);
    if (number == null) {
      throw new IllegalArgumentException("unknown account " + name);
    }
    return state.balance(number);
  }

  /** The account number of {@code name}. */
  public int number(String name) {
    Integer number = numbers.get(name);
    if (number == null) {
      throw new IllegalArgumentException("unknown account " + name);
    }
    return number;
  }

  /** The live state (read-only use). */
  public LedgerState state() {
    return state;
  }

  /** Every rejected command, in order. */
  public List<Rejection> rejections() {
    return List.copyOf(rejections);
  }
}
