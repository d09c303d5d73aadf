package dev.settle.jdbc;

import dev.settle.testsupport.ThrowawayPostgres;
import dev.settle.testsupport.UrlDataSource;
import javax.sql.DataSource;

/** The shared log on a real PostgreSQL server, the reference database. */
class PostgresSharedLogTest extends SharedLogContract {
  @Override
  DataSource dataSource() {
    ThrowawayPostgres pg = ThrowawayPostgres.get();
    return new UrlDataSource(pg.database("sharedlog"), pg.user(), pg.password());
  }
}
