package dev.settle.examples.boot;

import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Transfers between two banks, {@code north} and {@code south}, each an accounts table in its own
 * schema of one H2 database, run by the Settle starter's TCC coordinator. Each bank is a {@link
 * TransactionalTccParticipant} bean: the starter puts it behind the JDBC fence, one Spring-managed
 * local transaction per call.
 *
 * <p>With no argument: opens the accounts, runs the demo's transfers, prints a summary and exits
 * with 0 if money was conserved and nothing is in doubt, 1 otherwise. With {@code serve}: the
 * same, then stays up with {@code /actuator/health} and {@code /actuator/settle} on port 8080
 * ({@code --server.port=...} to change it).
 */
@SpringBootApplication
public class TransferApplication {
  private static final String SERVE = "serve";

  // readme:begin spring-boot-participants
  @Bean   // a TransactionalTccParticipant: the starter fences it and registers it for recovery
  Bank northBank(JdbcTemplate jdbc) {
    return new Bank("north", jdbc);   // the participant's name, "north", is what the log records
  }

  @Bean
  Bank southBank(JdbcTemplate jdbc) {
    return new Bank("south", jdbc);
  }
  // readme:end

  /** Runs the demo; see the class comment for the arguments and the exit status. */
  public static void main(String[] args) {
    List<String> plain = List.of(args).stream().filter(a -> !a.startsWith("--")).toList();
    if (!plain.isEmpty() && !plain.equals(List.of(SERVE))) {
      System.err.println("usage: java -jar settle-examples-spring-boot.jar [serve] [--property=value ...]");
      System.exit(2);
    }
    boolean serve = plain.contains(SERVE);
    SpringApplication application = new SpringApplication(TransferApplication.class);
    // Without "serve" there is nothing to listen for: no web server, and the JVM exits at the end.
    application.setWebApplicationType(serve ? WebApplicationType.SERVLET : WebApplicationType.NONE);
    ConfigurableApplicationContext context = application.run(args);
    if (!serve) {
      System.exit(SpringApplication.exit(context));
    }
  }
}
