package dev.settle.tcc.fence;

import dev.settle.testsupport.ThrowawayPostgres;
import javax.sql.DataSource;
import dev.settle.testsupport.UrlDataSource;

/** The fence contract on a real PostgreSQL server. */
class PostgresJdbcTccFenceTest extends JdbcTccFenceContract {
  @Override
  DataSource dataSource() {
    ThrowawayPostgres pg = ThrowawayPostgres.get();
    return new UrlDataSource(pg.database("fence"), pg.user(), pg.password());
  }

  @Override
  String dialect() {
    return "postgresql";
  }
}
