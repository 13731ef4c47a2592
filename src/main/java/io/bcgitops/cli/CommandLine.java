package io.bcgitops.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Positional arguments and --name value options, with defaults; an unknown option is an error. */
record CommandLine(List<String> positional, Map<String, String> options) {

  static CommandLine parse(String[] args, Map<String, String> defaults) {
    List<String> positional = new ArrayList<>();
    Map<String, String> options = new HashMap<>(defaults);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.startsWith("--")) {
        String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        if (!defaults.containsKey(name)) {
          throw new IllegalArgumentException("unknown option " + name + "; known: " + defaults.keySet());
        }
        if (arg.contains("=")) {
          options.put(name, arg.substring(arg.indexOf('=') + 1));
        } else if (i + 1 < args.length) {
          options.put(name, args[++i]);
        } else {
          throw new IllegalArgumentException("option " + name + " needs a value");
        }
      } else {
        positional.add(arg);
      }
    }
    return new CommandLine(List.copyOf(positional), Map.copyOf(options));
  }

  String option(String name) {
    return options.get(name);
  }
}
