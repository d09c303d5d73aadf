package dev.settle.spring.boot;

import dev.settle.tcc.TccCoordinator;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A Boot application as a user would write one: the starter, a data source from {@code
 * spring.datasource.*}, two participants and the bank as beans. {@link #main} runs it in a child
 * JVM for the kill test.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class BankApp {
  @Bean
  Bank.Debit debit(JdbcTemplate jdbc) {
    return new Bank.Debit(jdbc);
  }

  @Bean
  Bank.Credit credit(JdbcTemplate jdbc) {
    return new Bank.Credit(jdbc);
  }

  @Bean
  Bank bank(JdbcTemplate jdbc, TccCoordinator coordinator, TccParticipants participants) {
    return new Bank(jdbc, coordinator, participants);
  }

  /**
   * Starts the bank with the given arguments ({@code --name=value} properties), opens accounts
   * {@code a} (1000) and {@code b} (0), and moves 100 from a to b; with {@link
   * Bank#HANG_CREDIT_CONFIRM} set the credit's confirm hangs, and the parent kills this JVM.
   */
  public static void main(String[] args) {
    var context = SpringApplication.run(BankApp.class, args);
    Bank bank = context.getBean(Bank.class);
    bank.open("a", 1000);
    bank.open("b", 0);
    System.out.println("OUTCOME " + bank.transfer("a", "b", 100));
  }
}
