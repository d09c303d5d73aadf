package dev.settle.spring.boot;

import org.springframework.test.context.TestPropertySource;

/** The fence contract on embedded H2, with the file-free memory log. */
@TestPropertySource(
    properties = {
      "spring.datasource.url=jdbc:h2:mem:fenced-transfer;DB_CLOSE_DELAY=-1",
      "settle.log.type=memory"
    })
class H2FencedTransferTest extends FencedTransferContract {}
