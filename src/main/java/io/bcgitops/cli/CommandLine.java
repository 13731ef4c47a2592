package io.bcgitops.cli;

import io.bcgitops.spec.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's arguments: {@code --name value} and {@code --name=value} options, checked against
 * the names the command knows, and positional arguments where the command takes them. The getters
 * read values as text, bounded numbers or durations and throw an IllegalArgumentException naming
 * the option; any further check of a value stays with its command.
 */
public final class CommandLine {

  /** Leniencies a command may ask for; without them every argument is an option, given at most once. */
  public enum Allow {
    /** An argument not starting with "--" is positional (validate's folder) instead of an error. */
    POSITIONAL,
    /** A repeated option is no error: its last value counts. */
    REPEATS
  }

  /** What is wrong with the arguments; lets a command keep its own wording of the error. */
  public enum Problem {
    UNKNOWN_OPTION, UNEXPECTED_ARGUMENT, MISSING_VALUE, GIVEN_TWICE
  }

  /** A usage error, with the usual wording as its message. */
  public static final class UsageException extends IllegalArgumentException {
    private final Problem problem;
    private final String option;
    private final String argument;

    UsageException(Problem problem, String option, String argument) {
      super(switch (problem) {
        case UNKNOWN_OPTION -> "unknown option " + option;
        case UNEXPECTED_ARGUMENT -> "unexpected argument '" + argument + "'";
        case MISSING_VALUE -> "option " + option + " needs a value";
        case GIVEN_TWICE -> "option " + option + " is given twice";
      });
      this.problem = problem;
      this.option = option;
      this.argument = argument;
    }

    public Problem problem() {
      return problem;
    }

    /** The option's name (without "=value"); null for an unexpected argument. */
    public String option() {
      return option;
    }

    /** The argument as given, such as "--port=x". */
    public String argument() {
      return argument;
    }
  }

  private final Set<String> names;
  private final List<String> positional;
  private final Map<String, String> values;

  private CommandLine(Set<String> names, List<String> positional, Map<String, String> values) {
    this.names = names;
    this.positional = List.copyOf(positional);
    this.values = Map.copyOf(values);
  }

  /** Reads args against the option names (each starting with "--"); throws UsageException at the first wrong one. */
  public static CommandLine parse(String[] args, Set<String> names, Allow... allowed) {
    boolean positionalAllowed = List.of(allowed).contains(Allow.POSITIONAL);
    boolean repeatsAllowed = List.of(allowed).contains(Allow.REPEATS);
    List<String> positional = new ArrayList<>();
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        if (positionalAllowed) {
          positional.add(arg);
          continue;
        }
        // "-x" reads as a mistyped option, anything else as a stray argument.
        throw arg.startsWith("-") ? new UsageException(Problem.UNKNOWN_OPTION, arg, arg)
            : new UsageException(Problem.UNEXPECTED_ARGUMENT, null, arg);
      }
      int equals = arg.indexOf('=');
      String name = equals > 0 ? arg.substring(0, equals) : arg;
      if (!names.contains(name)) {
        throw new UsageException(Problem.UNKNOWN_OPTION, name, arg);
      }
      String value;
      if (equals > 0) {
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.length) {
        value = args[++i]; // as is, even when it starts with "--": a value may well do
      } else {
        throw new UsageException(Problem.MISSING_VALUE, name, arg);
      }
      if (values.put(name, value) != null && !repeatsAllowed) {
        throw new UsageException(Problem.GIVEN_TWICE, name, arg);
      }
    }
    return new CommandLine(names, positional, values);
  }

  public List<String> positional() {
    return positional;
  }

  public boolean has(String name) {
    return given(name) != null;
  }

  /** The option's value; null when not given. */
  public String text(String name) {
    return given(name);
  }

  public String text(String name, String defaultValue) {
    String text = given(name);
    return text == null ? defaultValue : text;
  }

  /** A whole number of at least min. */
  public long number(String name, long defaultValue, long min) {
    return number(name, defaultValue, min, Long.MAX_VALUE, "of at least " + min);
  }

  /** A whole number from min to max. */
  public long number(String name, long defaultValue, long min, long max) {
    return number(name, defaultValue, min, max, "from " + min + " to " + max);
  }

  private long number(String name, long defaultValue, long min, long max, String range) {
    String text = given(name);
    if (text == null) {
      return defaultValue;
    }
    try {
      long value = Long.parseLong(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // Reported below with the expected range.
    }
    throw new IllegalArgumentException(name + " must be a whole number " + range + ", got '" + text + "'");
  }

  /** A duration as {@link Durations} writes it; never zero, as every duration option is a wait or a bound. */
  public Duration duration(String name, Duration defaultValue) {
    String text = given(name);
    if (text == null) {
      return defaultValue;
    }
    Duration duration;
    try {
      duration = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage());
    }
    if (duration.isZero()) {
      throw new IllegalArgumentException(name + " must be more than 0");
    }
    return duration;
  }

  private String given(String name) {
    // A name the command did not declare is a bug in the command, not a usage error.
    if (!names.contains(name)) {
      throw new IllegalStateException("option " + name + " is not declared");
    }
    return values.get(name);
  }
}
