package dev.settle.tcc.fence;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.sql.DataSource;
import dev.settle.testsupport.UrlDataSource;
import org.junit.jupiter.api.Test;

/** The fence contract on H2, the embedded default. */
class H2JdbcTccFenceTest extends JdbcTccFenceContract {
  @Override
  DataSource dataSource() {
    return new UrlDataSource("jdbc:h2:mem:fence;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000", "sa", "");
  }

  @Override
  String dialect() {
    return "h2";
  }

  @Test
  void rejectsBadTableNamesAndDialects() {
    assertThatThrownBy(() -> JdbcTccFence.builder().table("fence; drop table x"))
        .hasMessageContaining("plain SQL identifier");
    assertThatThrownBy(() -> JdbcTccFence.schema("oracle"))
        .hasMessageContaining("no fence schema for dialect \"oracle\"");
  }
}
