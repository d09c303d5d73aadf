package dev.settle.examples.boot;

import dev.settle.core.BusinessRefusalException;
import dev.settle.spring.boot.TransactionalTccParticipant;
import dev.settle.tcc.spi.TccContext;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One bank's accounts table ({@code <bank>.accounts}) as a TCC participant. A debit's Try moves
 * the amount from {@code balance} to {@code reserved}, so it cannot be spent twice; Confirm drops
 * the reservation, Cancel gives it back. A credit's Try records the amount as {@code incoming};
 * Confirm adds it to the balance, Cancel drops it. Money counts as the bank's while it is
 * balance or reserved; incoming money is still the payer's.
 *
 * <p>Every method runs inside the local transaction the starter opened for the call, together
 * with the fence row: repeats, a Cancel before its Try and a late Try never reach these methods.
 * That is why Confirm and Cancel need no check beyond "the row is there".
 */
final class Bank implements TransactionalTccParticipant {
  private final String name;
  private final String table;
  private final JdbcTemplate jdbc;

  /** The bank whose accounts are in the table {@code name.accounts}. */
  Bank(String name, JdbcTemplate jdbc) {
    this.name = name;
    this.table = name + ".accounts";
    this.jdbc = jdbc;
  }

  /** The participant's name in the transaction log: the bank's name. */
  @Override
  public String name() {
    return name;
  }

  @Override
  public void tryReserve(TccContext context) {
    Movement m = Movement.decode(context.payload());
    int updated =
        switch (m.direction()) {
          case DEBIT ->
              jdbc.update(
                  "UPDATE " + table + " SET balance = balance - ?, reserved = reserved + ? WHERE id = ? AND balance >= ?",
                  m.amount(), m.amount(), m.account(), m.amount());
          case CREDIT ->
              jdbc.update("UPDATE " + table + " SET incoming = incoming + ? WHERE id = ?", m.amount(), m.account());
        };
    if (updated == 1) {
      return;
    }
    // Refused: nothing was written, and the starter rolls back the fence row with the rest. The
    // coordinator adds the transaction and the branch to the reason it logs.
    @Nullable Long balance = balance(m.account());
    String why =
        balance == null
            ? "no account " + m.account() + " at " + name
            : "insufficient funds in " + m.account() + ": balance " + balance + ", asked " + m.amount();
    throw new BusinessRefusalException(why);
  }

  @Override
  public void confirm(TccContext context) {
    Movement m = Movement.decode(context.payload());
    switch (m.direction()) {
      case DEBIT ->
          exactlyOne(
              jdbc.update("UPDATE " + table + " SET reserved = reserved - ? WHERE id = ?", m.amount(), m.account()),
              m);
      case CREDIT ->
          exactlyOne(
              jdbc.update(
                  "UPDATE " + table + " SET balance = balance + ?, incoming = incoming - ? WHERE id = ?",
                  m.amount(), m.amount(), m.account()),
              m);
    }
  }

  @Override
  public void cancel(TccContext context) {
    Movement m = Movement.decode(context.payload());
    switch (m.direction()) {
      case DEBIT ->
          exactlyOne(
              jdbc.update(
                  "UPDATE " + table + " SET balance = balance + ?, reserved = reserved - ? WHERE id = ?",
                  m.amount(), m.amount(), m.account()),
              m);
      case CREDIT ->
          exactlyOne(
              jdbc.update("UPDATE " + table + " SET incoming = incoming - ? WHERE id = ?", m.amount(), m.account()),
              m);
    }
  }

  /** Whether this bank holds {@code account}. */
  boolean holds(String account) {
    return balance(account) != null;
  }

  /** Deletes every account, then opens each of {@code accounts} with its balance. */
  void open(List<Account> accounts) {
    jdbc.update("DELETE FROM " + table);
    for (Account a : accounts) {
      jdbc.update("INSERT INTO " + table + " (id, balance, reserved, incoming) VALUES (?, ?, 0, 0)", a.id(), a.balance());
    }
  }

  /** Every account of this bank, by id. */
  List<Account> accounts() {
    return jdbc.query(
        "SELECT id, balance, reserved, incoming FROM " + table + " ORDER BY id",
        (rs, i) -> new Account(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
  }

  private @Nullable Long balance(String account) {
    List<Long> found = jdbc.queryForList("SELECT balance FROM " + table + " WHERE id = ?", Long.class, account);
    return found.isEmpty() ? null : found.get(0);
  }

  private void exactlyOne(int updated, Movement m) {
    // The fence let this call through only after a successful Try on this very account: a missing
    // row means someone deleted it since. Throwing keeps the branch in doubt (retried, then left
    // to recovery) rather than pretending the money moved.
    if (updated != 1) {
      throw new IllegalStateException(name + ": account " + m.account() + " vanished during " + m);
    }
  }

  @Override
  public String toString() {
    return "bank " + name;
  }
}
