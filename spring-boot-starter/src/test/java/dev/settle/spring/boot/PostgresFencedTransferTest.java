package dev.settle.spring.boot;

import dev.settle.testsupport.ThrowawayPostgres;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The fence contract on a real PostgreSQL server, with the shared JDBC log in the same database:
 * everything a replica of a Boot service would use.
 */
class PostgresFencedTransferTest extends FencedTransferContract {
  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    ThrowawayPostgres pg = ThrowawayPostgres.get();
    registry.add("spring.datasource.url", () -> pg.database("settle_boot_fence"));
    registry.add("spring.datasource.username", pg::user);
    registry.add("spring.datasource.password", pg::password);
    registry.add("settle.log.type", () -> "jdbc");
    registry.add("settle.log.create-schema", () -> "true");
    registry.add("settle.node-name", () -> "boot-fence");
  }
}
