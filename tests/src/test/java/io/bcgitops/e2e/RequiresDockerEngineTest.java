package io.bcgitops.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.w3c.dom.Document;

/**
 * The k3s end-to-end test runs only when asked for: a Docker engine that cannot pull images (or
 * reach Maven Central) would otherwise turn a plain `mvn verify` red.
 */
class RequiresDockerEngineTest {

  @Test
  void withoutTheProfileTheK3sTestIsSkippedSayingHowToRunIt() {
    assumeFalse(Boolean.getBoolean(K3sEndToEndTest.RUN_PROPERTY), "this build asked for the k3s test");

    ConditionEvaluationResult result = K3sEndToEndTest.RequiresDockerEngine.evaluate();

    assertTrue(result.isDisabled());
    assertTrue(result.getReason().orElse("").contains("mvn -B -Pk3s verify"), result::toString);
  }

  @Test
  void theK3sProfileAsksForIt() throws Exception {
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    String value = XPathFactory.newInstance().newXPath().evaluate("//*[local-name()='profile'][*[local-name()='id']"
        + "='k3s']//*[local-name()='systemPropertyVariables']/*[local-name()='" + K3sEndToEndTest.RUN_PROPERTY + "']",
        pom).strip();
    assertEquals("true", value);
  }
}
