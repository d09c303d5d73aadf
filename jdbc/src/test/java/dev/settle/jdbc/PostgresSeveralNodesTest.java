package dev.settle.jdbc;

import dev.settle.testsupport.ThrowawayPostgres;
import dev.settle.testsupport.UrlDataSource;
import javax.sql.DataSource;

/** Several nodes over one shared log in a real PostgreSQL, the reference database. */
class PostgresSeveralNodesTest extends SeveralNodesContract {
  @Override
  DataSource dataSource() {
    ThrowawayPostgres pg = ThrowawayPostgres.get();
    return new UrlDataSource(pg.database("severalnodes"), pg.user(), pg.password());
  }
}
