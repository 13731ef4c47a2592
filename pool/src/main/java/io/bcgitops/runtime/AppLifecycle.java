package io.bcgitops.runtime;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

/**
 * How the host starts and stops an app's class, found by reflection (the app shares no interface
 * with the host: its loader cannot see the host's classes).
 *
 * <ul>
 *   <li>{@link Managed}: a public no-arg constructor, {@code public void start(Map<String,String> env,
 *       List<String> args)} or {@code start(Map<String,String> env)}, and {@code public void stop()}.
 *       The env and args reach this app alone.</li>
 *   <li>{@link MainOnly}: otherwise {@code public static void main(String[] args)}, run in a thread of
 *       the app. The args reach it; the env cannot (the process environment is the host's).</li>
 * </ul>
 */
sealed interface AppLifecycle {
  /** The manifest attribute naming the class to run, ahead of the request's mainClass and Main-Class. */
  String APP_CLASS_ATTRIBUTE = "BcGitops-App-Class";

  /** The class that runs: the manifest's BcGitops-App-Class, else the request's mainClass, else Main-Class. */
  static String appClassName(Manifest manifest, String requestedMainClass) throws AppLoadException {
    Attributes attributes = manifest == null ? new Attributes() : manifest.getMainAttributes();
    for (String candidate : new String[] {attributes.getValue(APP_CLASS_ATTRIBUTE), requestedMainClass,
        attributes.getValue(Attributes.Name.MAIN_CLASS)}) {
      if (candidate != null && !candidate.isBlank()) {
        return candidate.trim();
      }
    }
    throw new AppLoadException("the jar names no class to run: its manifest has neither " + APP_CLASS_ATTRIBUTE
        + " nor Main-Class, and the request has no mainClass");
  }

  /** The lifecycle of {@code type}: start/stop when it has them, else main. */
  static AppLifecycle of(Class<?> type) throws AppLoadException {
    if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
      return mainOf(type);
    }
    Constructor<?> constructor = publicMethod(type::getConstructor);
    Method stop = publicMethod(() -> type.getMethod("stop"));
    Method startWithArgs = publicMethod(() -> type.getMethod("start", Map.class, List.class));
    Method start = startWithArgs != null ? startWithArgs : publicMethod(() -> type.getMethod("start", Map.class));
    if (constructor != null && stop != null && start != null && !Modifier.isStatic(start.getModifiers())
        && !Modifier.isStatic(stop.getModifiers())) {
      return new Managed(constructor, start, startWithArgs != null, stop);
    }
    return mainOf(type);
  }

  private static AppLifecycle mainOf(Class<?> type) throws AppLoadException {
    Method main = publicMethod(() -> type.getMethod("main", String[].class));
    if (main == null || !Modifier.isStatic(main.getModifiers()) || main.getReturnType() != void.class) {
      throw new AppLoadException(type.getName() + " has neither a lifecycle (public no-arg constructor, "
          + "start(Map<String,String>[, List<String>]), stop()) nor public static void main(String[])");
    }
    return new MainOnly(main);
  }

  /** What {@code describe} says in logs. */
  String describe();

  /** start/stop on an instance of the app's class. */
  record Managed(Constructor<?> constructor, Method start, boolean takesArgs, Method stop) implements AppLifecycle {
    Object create() throws Throwable {
      return invoke(() -> constructor.newInstance());
    }

    void start(Object app, Map<String, String> env, List<String> args) throws Throwable {
      invoke(() -> takesArgs ? start.invoke(app, env, args) : start.invoke(app, env));
    }

    void stop(Object app) throws Throwable {
      invoke(() -> stop.invoke(app));
    }

    @Override
    public String describe() {
      return "lifecycle " + start.getDeclaringClass().getName() + ".start(" + (takesArgs ? "env, args" : "env") + ")";
    }
  }

  /** main(String[]) in a thread of the app; stopping it means interrupting its threads. */
  record MainOnly(Method main) implements AppLifecycle {
    void run(List<String> args) throws Throwable {
      invoke(() -> main.invoke(null, (Object) args.toArray(String[]::new)));
    }

    @Override
    public String describe() {
      return "main " + main.getDeclaringClass().getName() + ".main(args) (no lifecycle: env is not passed)";
    }
  }

  /** A reflective call, with the app's own exception rather than the reflection wrapper. */
  private static Object invoke(Reflective call) throws Throwable {
    try {
      return call.run();
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The public member {@code lookup} finds, or null when there is none. */
  private static <T> T publicMethod(Lookup<T> lookup) {
    try {
      return lookup.find();
    } catch (NoSuchMethodException absent) {
      return null;
    }
  }

  @FunctionalInterface
  interface Lookup<T> {
    T find() throws NoSuchMethodException;
  }

  @FunctionalInterface
  interface Reflective {
    Object run() throws Exception;
  }
}
