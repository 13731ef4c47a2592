package io.bcgitops.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.function.Consumer;

/**
 * Stands in, against the mock server, for a controller a real cluster runs: {@code act} sees each object as it is
 * added and after every change, one at a time, as the controller's own informer would hand it over.
 */
public final class StandInController<T extends HasMetadata> implements AutoCloseable {
  private final SharedIndexInformer<T> informer;

  public StandInController(Informable<T> objects, Consumer<T> act) {
    informer = objects.inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        act.accept(object);
      }

      @Override
      public void onUpdate(T before, T object) {
        act.accept(object);
      }

      @Override
      public void onDelete(T object, boolean unknownFinalState) {
      }
    });
  }

  @Override
  public void close() {
    informer.close();
  }
}
