package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.client.FederationClientException;
import io.lianbang.grpc.proto.v1.DType;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.ParametersSpec;
import io.lianbang.grpc.proto.v1.ProtocolVersion;
import io.lianbang.grpc.proto.v1.RegisterRequest;
import io.lianbang.grpc.proto.v1.TensorSpec;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client with the wrong model is refused when it registers, with both layouts named, instead of
 * joining and failing every round; the client stops with that message.
 */
class ModelLayoutTest {
  @RegisterExtension final TestChannels net = new TestChannels();

  @Test
  void aClientDeclaringAnotherLayoutIsRefusedAtRegistration() throws Exception {
    String name = InProcessServerBuilder.generateName();
    ServerSettings settings = ServerSettings.defaults("layout").withAllowAnonymous(true);
    try (FederationServer server = FederationServer.start(InProcessServerBuilder.forName(name), settings)) {
      server.expectLayout(TestClients.initial()); // [[2, 3], [2]]

      Parameters wrong = Parameters.of(Tensor.zeros(new int[] {3, 2}), Tensor.zeros(new int[] {2}));
      FederationClient misfit = new FederationClient(net.inProcess(name), TestClients.pulling(0, 0), ClientSettings.defaults("misfit")
          .withModelLayout(wrong).withBackoff(Duration.ofMillis(50), Duration.ofMillis(200)));
      Future<FederationClient.Summary> run = net.submit(misfit::run);
      ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(30, TimeUnit.SECONDS));
      String message = assertInstanceOf(FederationClientException.class, e.getCause()).getMessage();
      assertTrue(message.contains("FAILED_PRECONDITION") && message.contains("model layout mismatch")
          && message.contains("model_layout is [[3, 2], [2]]") && message.contains("the server's model is [[2, 3], [2]]"), message);
      assertEquals(List.of(), server.clients().available());

      // A hostile layout is named only in part.
      ParametersSpec.Builder huge = ParametersSpec.newBuilder();
      TensorSpec.Builder deep = TensorSpec.newBuilder().setDtype(DType.DTYPE_FLOAT32);
      for (int d = 0; d < 10_000; d++) deep.addShape(1);
      for (int i = 0; i < 1_000; i++) huge.addTensors(deep);
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> FederationGrpc.newBlockingStub(net.inProcess(name))
          .withDeadlineAfter(10, TimeUnit.SECONDS).register(RegisterRequest.newBuilder().setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1)
              .setClientName("hostile").setModelLayout(huge).build()));
      assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
      String description = refused.getStatus().getDescription();
      assertTrue(description.contains("(1000 tensors)") && description.contains("(10000 dimensions)") && description.length() < 1000,
          description);

      // The right layout, and no layout at all (clients that do not declare one), are accepted.
      net.submit(new FederationClient(net.inProcess(name), TestClients.pulling(0, 0), ClientSettings.defaults("fit")
          .withModelLayout(TestClients.initial()))::run);
      net.submit(new FederationClient(net.inProcess(name), TestClients.pulling(1, 0), ClientSettings.defaults("undeclared"))::run);
      assertTrue(server.clients().awaitAvailable(2, Instant.now().plusSeconds(30)), "both joined: " + server.clients().available());
      assertEquals(List.of("fit", "undeclared"), server.clients().available());
      server.finish("done", Duration.ofSeconds(5));
    }
  }
}
