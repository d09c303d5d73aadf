package dev.settle.spring.boot;

import dev.settle.core.Outcome;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The tests' bank: accounts in the application's database, moved by TCC through two {@link
 * TransactionalTccParticipant}s that use {@code JdbcTemplate} only. A debit reserves (balance to
 * reserved) and its confirm spends the reservation; a credit records a pending amount and its
 * confirm adds it to the balance. Payload: {@code account:amount}.
 */
final class Bank implements InitializingBean {
  /** Set (in a child JVM) to make every credit confirm hang after saying so on stdout. */
  static final String HANG_CREDIT_CONFIRM = "bank.hang-credit-confirm";

  private final JdbcTemplate jdbc;
  private final TccCoordinator coordinator;
  private final TccParticipant debit;
  private final TccParticipant credit;

  Bank(JdbcTemplate jdbc, TccCoordinator coordinator, TccParticipants participants) {
    this.jdbc = jdbc;
    this.coordinator = coordinator;
    this.debit = participants.get("debit");
    this.credit = participants.get("credit");
  }

  @Override
  public void afterPropertiesSet() {
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS bank_account (id VARCHAR(32) PRIMARY KEY, balance BIGINT NOT NULL,"
            + " reserved BIGINT NOT NULL, pending BIGINT NOT NULL)");
  }

  void open(String account, long cents) {
    jdbc.update("DELETE FROM bank_account WHERE id = ?", account);
    jdbc.update("INSERT INTO bank_account (id, balance, reserved, pending) VALUES (?, ?, 0, 0)", account, cents);
  }

  Outcome transfer(String from, String to, long cents) {
    return coordinator.execute(
        TccTransaction.builder()
            .branch("debit", debit, payload(from, cents))
            .branch("credit", credit, payload(to, cents))
            .build());
  }

  /** balance, reserved, pending. */
  long[] account(String id) {
    return jdbc.queryForObject(
        "SELECT balance, reserved, pending FROM bank_account WHERE id = ?",
        (rs, n) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)},
        id);
  }

  long fenceRows(String state) {
    Long n = jdbc.queryForObject("SELECT COUNT(*) FROM settle_tcc_fence WHERE state = ?", Long.class, state);
    return n == null ? 0 : n;
  }

  private static byte[] payload(String account, long cents) {
    return (account + ":" + cents).getBytes(StandardCharsets.UTF_8);
  }

  private static String account(TccContext ctx) {
    return new String(ctx.payload(), StandardCharsets.UTF_8).split(":")[0];
  }

  private static long amount(TccContext ctx) {
    return Long.parseLong(new String(ctx.payload(), StandardCharsets.UTF_8).split(":")[1]);
  }

  /** Debits: Try moves the amount from balance to reserved, refusing an overdraft. */
  static final class Debit implements TransactionalTccParticipant {
    private final JdbcTemplate jdbc;
    /** When set, the Try writes its change and then fails: the change must roll back with the fence row. */
    volatile boolean failAfterWriting;

    Debit(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
    }

    @Override
    public String name() {
      return "debit";
    }

    @Override
    public void tryReserve(TccContext ctx) {
      int moved =
          jdbc.update(
              "UPDATE bank_account SET balance = balance - ?, reserved = reserved + ? WHERE id = ? AND balance >= ?",
              amount(ctx), amount(ctx), account(ctx), amount(ctx));
      if (moved != 1) {
        throw new dev.settle.core.BusinessRefusalException(
            ctx.transactionId(), ctx.branchId(), "account " + account(ctx) + " cannot pay " + amount(ctx));
      }
      if (failAfterWriting) {
        throw new IllegalStateException("debit failed after writing its reservation");
      }
    }

    @Override
    public void confirm(TccContext ctx) {
      jdbc.update("UPDATE bank_account SET reserved = reserved - ? WHERE id = ?", amount(ctx), account(ctx));
    }

    @Override
    public void cancel(TccContext ctx) {
      jdbc.update(
          "UPDATE bank_account SET reserved = reserved - ?, balance = balance + ? WHERE id = ?",
          amount(ctx), amount(ctx), account(ctx));
    }
  }

  /** Credits: Try records a pending amount, confirm adds it to the balance. */
  static final class Credit implements TransactionalTccParticipant {
    private final JdbcTemplate jdbc;

    Credit(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
    }

    @Override
    public String name() {
      return "credit";
    }

    @Override
    public void tryReserve(TccContext ctx) {
      int n = jdbc.update("UPDATE bank_account SET pending = pending + ? WHERE id = ?", amount(ctx), account(ctx));
      if (n != 1) {
        throw new dev.settle.core.BusinessRefusalException(
            ctx.transactionId(), ctx.branchId(), "no account " + account(ctx));
      }
    }

    @Override
    public void confirm(TccContext ctx) {
      if (Boolean.getBoolean(HANG_CREDIT_CONFIRM)) {
        System.out.println("CONFIRMING " + ctx.transactionId().value());
        System.out.flush();
        try {
          new CountDownLatch(1).await(); // until this process is killed
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      jdbc.update(
          "UPDATE bank_account SET pending = pending - ?, balance = balance + ? WHERE id = ?",
          amount(ctx), amount(ctx), account(ctx));
    }

    @Override
    public void cancel(TccContext ctx) {
      jdbc.update("UPDATE bank_account SET pending = pending - ? WHERE id = ?", amount(ctx), account(ctx));
    }
  }
}
