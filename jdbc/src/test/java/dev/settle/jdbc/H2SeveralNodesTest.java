package dev.settle.jdbc;

import dev.settle.testsupport.UrlDataSource;
import java.util.UUID;
import javax.sql.DataSource;

/** Several nodes over one shared log in H2. */
class H2SeveralNodesTest extends SeveralNodesContract {
  @Override
  DataSource dataSource() {
    return new UrlDataSource(
        "jdbc:h2:mem:nodes-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000", "sa", "");
  }
}
