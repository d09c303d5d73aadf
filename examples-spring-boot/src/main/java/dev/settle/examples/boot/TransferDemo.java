package dev.settle.examples.boot;

import dev.settle.core.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The demo: opens six accounts in two banks, runs twenty transfers one after another (seven of
 * which the payer cannot afford), and counts the money before and after.
 */
@Component
public class TransferDemo {
  /** North's accounts at the start, in cents. */
  static final List<Account> NORTH =
      List.of(Account.opening("alice", 50_000), Account.opening("bob", 20_000), Account.opening("carol", 0));

  /** South's accounts at the start, in cents. */
  static final List<Account> SOUTH =
      List.of(Account.opening("dave", 30_000), Account.opening("erin", 10_000), Account.opening("frank", 500));

  /** The transfers, in order; those marked "refused" ask for more than the payer has then. */
  static final List<Transfer> TRANSFERS =
      List.of(
          new Transfer("alice", "dave", 10_000),
          new Transfer("bob", "erin", 5_000),
          new Transfer("carol", "frank", 100), // refused: carol has nothing
          new Transfer("dave", "carol", 2_500),
          new Transfer("frank", "alice", 1_000), // refused: frank has 500
          new Transfer("erin", "bob", 15_000),
          new Transfer("erin", "alice", 1), // refused: erin has nothing left
          new Transfer("alice", "bob", 12_000), // within one bank
          new Transfer("carol", "dave", 2_500),
          new Transfer("frank", "erin", 500),
          new Transfer("bob", "frank", 45_000), // refused: bob has 42,000
          new Transfer("dave", "frank", 7_000),
          new Transfer("frank", "carol", 7_000),
          new Transfer("carol", "alice", 7_001), // refused: one cent short
          new Transfer("alice", "erin", 28_000),
          new Transfer("alice", "dave", 1), // refused: alice has nothing left
          new Transfer("erin", "dave", 28_500),
          new Transfer("dave", "bob", 61_500),
          new Transfer("dave", "carol", 1), // refused: dave has nothing left
          new Transfer("bob", "alice", 3_500));

  private final TransferService transfers;
  private final Bank north;
  private final Bank south;

  TransferDemo(TransferService transfers, Bank northBank, Bank southBank) {
    this.transfers = transfers;
    this.north = northBank;
    this.south = southBank;
  }

  /** Opens the accounts afresh (any earlier run's are deleted), runs the transfers, counts. */
  public Summary run() {
    north.open(NORTH);
    south.open(SOUTH);
    long before = total();
    List<Summary.Result> results = new ArrayList<>();
    for (Transfer t : TRANSFERS) {
      Outcome outcome = transfers.transfer(t.from(), t.to(), t.amount());
      results.add(new Summary.Result(t, outcome));
    }
    return new Summary(results, before, total(), held());
  }

  /** Every account of both banks. */
  List<Account> accounts() {
    List<Account> all = new ArrayList<>(north.accounts());
    all.addAll(south.accounts());
    return all;
  }

  private long total() {
    return accounts().stream().mapToLong(a -> a.balance() + a.reserved()).sum();
  }

  private long held() {
    return accounts().stream().mapToLong(a -> a.reserved() + a.incoming()).sum();
  }

  /**
   * One transfer to run.
   *
   * @param from the payer's account
   * @param to the payee's account
   * @param amount in cents
   */
  public record Transfer(String from, String to, long amount) {}
}
