package io.bcgitops.arguments;

import io.bcgitops.api.Durations;
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
    UNKNOWN_OPTION, UNEXPECTED_ARGUMENT, MISSING_VALUE, GIVEN_TWICE, FLAG_WITH_VALUE
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
        case FLAG_WITH_VALUE -> "option " + option + " takes no value";
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

  /**
   * What a command accepts besides options with a value: flags (options without one, such as
   * {@code --watch}) and short names standing for long ones ({@code -n} for {@code --namespace}),
   * as kubectl users type them.
   */
  public record Grammar(Set<String> options, Set<String> flags, Map<String, String> shortNames) {
    public Grammar {
      options = Set.copyOf(options);
      flags = Set.copyOf(flags);
      shortNames = Map.copyOf(shortNames);
    }
  }

  private final Set<String> names;
  private final Set<String> flags;
  private final List<String> positional;
  private final Map<String, String> values;

  private CommandLine(Set<String> names, Set<String> flags, List<String> positional, Map<String, String> values) {
    this.names = names;
    this.flags = flags;
    this.positional = List.copyOf(positional);
    this.values = Map.copyOf(values);
  }

  /** Reads args against the option names (each starting with "--"); throws UsageException at the first wrong one. */
  public static CommandLine parse(String[] args, Set<String> names, Allow... allowed) {
    return parse(args, new Grammar(names, Set.of(), Map.of()), allowed);
  }

  /** Reads args against a grammar of options, flags and short names; throws UsageException at the first wrong one. */
  public static CommandLine parse(String[] args, Grammar grammar, Allow... allowed) {
    boolean positionalAllowed = List.of(allowed).contains(Allow.POSITIONAL);
    boolean repeatsAllowed = List.of(allowed).contains(Allow.REPEATS);
    Set<String> names = grammar.options();
    List<String> positional = new ArrayList<>();
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = expand(args[i], grammar.shortNames());
      if (grammar.flags().contains(arg)) {
        if (values.put(arg, "true") != null && !repeatsAllowed) {
          throw new UsageException(Problem.GIVEN_TWICE, arg, args[i]);
        }
        continue;
      }
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
      if (grammar.flags().contains(name)) {
        throw new UsageException(Problem.FLAG_WITH_VALUE, name, arg);
      }
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
    return new CommandLine(names, grammar.flags(), positional, values);
  }

  /** "-n" as "--namespace", "-n=x" and "-nx" as "--namespace=x"; anything else as is. */
  private static String expand(String arg, Map<String, String> shortNames) {
    if (arg.length() < 2 || arg.charAt(0) != '-' || arg.charAt(1) == '-') {
      return arg;
    }
    String name = shortNames.get(arg.substring(0, 2));
    if (name == null) {
      return arg;
    }
    String rest = arg.substring(2);
    return rest.isEmpty() ? name : name + "=" + (rest.startsWith("=") ? rest.substring(1) : rest);
  }

  public List<String> positional() {
    return positional;
  }

  /** Whether the command takes this option or flag at all (for what several commands share). */
  public boolean declares(String name) {
    return names.contains(name) || flags.contains(name);
  }

  public boolean has(String name) {
    return flags.contains(name) ? values.containsKey(name) : given(name) != null;
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
