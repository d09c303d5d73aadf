package dev.settle.jdbc.internal;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What differs between the databases the shared log supports: how to add milliseconds to the
 * database clock expression, how to cap and lock a claim query, and how to bound the time a
 * session may hold a transaction open. Everything else is standard SQL.
 */
public enum Dialect {
  /** PostgreSQL, the reference database. */
  POSTGRESQL("postgresql") {
    @Override
    String nowPlusMillis(String now) {
      return "(" + now + " + CAST(? AS BIGINT) * INTERVAL '1 millisecond')";
    }

    @Override
    String limitForUpdateSkipLocked() {
      return " LIMIT ? FOR UPDATE SKIP LOCKED";
    }

    @Override
    @Nullable String limitIdleInTransaction() {
      return "SELECT set_config('idle_in_transaction_session_timeout', ?, false)";
    }

    @Override
    @Nullable String readIdleInTransactionLimit() {
      return "SELECT current_setting('idle_in_transaction_session_timeout')";
    }

    @Override
    String binaryType() {
      return "BYTEA";
    }
  },
  /**
   * H2, for embedded use and tests. H2 locks every row its claim query matches, not only the first
   * {@code n}; a concurrent claimer then skips them all, which is still safe, only less parallel.
   */
  H2("h2") {
    @Override
    String nowPlusMillis(String now) {
      return "DATEADD(MILLISECOND, CAST(? AS BIGINT), " + now + ")";
    }

    @Override
    String limitForUpdateSkipLocked() {
      return " FETCH FIRST ? ROWS ONLY FOR UPDATE SKIP LOCKED";
    }

    // Embedded H2 lives in the writing process: when that process freezes, so does the database,
    // and no peer is waiting on its locks. H2 has no bound on an idle open transaction.
    @Override
    @Nullable String limitIdleInTransaction() {
      return null;
    }

    @Override
    @Nullable String readIdleInTransactionLimit() {
      return null;
    }

    @Override
    String binaryType() {
      return "VARBINARY";
    }
  };

  private final String id;

  Dialect(String id) {
    this.id = id;
  }

  /** The name used for schema files and in messages. */
  public String id() {
    return id;
  }

  /**
   * The database clock {@code now} (an SQL expression such as {@code CURRENT_TIMESTAMP}) plus a
   * millisecond parameter ({@code ?}, may be negative).
   */
  abstract String nowPlusMillis(String now);

  /** A suffix that caps a query at a row-count parameter and locks its rows, skipping locked ones. */
  abstract String limitForUpdateSkipLocked();

  /**
   * A statement that makes the database end this session once it has sat in an open transaction
   * for longer than a millisecond parameter (a string), or null where the database has no such
   * bound.
   */
  abstract @Nullable String limitIdleInTransaction();

  /**
   * A query of the session's current bound, in the form {@link #limitIdleInTransaction()} takes, so
   * that it can be put back; or null.
   */
  abstract @Nullable String readIdleInTransactionLimit();

  /**
   * The type of the records column, to cast a bytes parameter to: H2 takes an untyped parameter
   * in {@code ||} for text, and would store the bytes' characters.
   */
  abstract String binaryType();

  /**
   * The dialect named {@code name} ({@code "postgresql"} or {@code "h2"}, any case).
   *
   * @throws IllegalArgumentException for any other name
   */
  public static Dialect named(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    for (Dialect d : values()) {
      if (d.id.equals(wanted)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "the shared JDBC log supports databases \"postgresql\" and \"h2\", not \"" + name + "\"");
  }

  /**
   * The dialect of a database, from its JDBC product name.
   *
   * @throws IllegalArgumentException if the database is neither PostgreSQL nor H2
   */
  public static Dialect ofProduct(String productName) {
    String p = productName.toLowerCase(Locale.ROOT);
    if (p.contains("postgresql")) {
      return POSTGRESQL;
    }
    if (p.equals("h2")) {
      return H2;
    }
    throw new IllegalArgumentException(
        "the shared JDBC log supports PostgreSQL and H2; this database is \"" + productName
            + "\". Name a dialect explicitly only for a database compatible with one of them.");
  }
}
