package io.bcgitops.cli;

import io.bcgitops.arguments.CommandLine;
import java.io.PrintStream;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The {@code completion} command: a bash or zsh completion script for {@code bcgitops} and
 * {@code kubectl-bcgitops}, made from the commands' own option lists so that it cannot fall out
 * of step with them. Names of sources and apps come from kubectl, where it is installed.
 */
final class CompletionCommand {
  static final String USAGE = """
      usage: completion bash|zsh
      Prints a completion script for the bcgitops and kubectl-bcgitops commands (bin/ in the repository):
        bash:  source <(bcgitops completion bash)          (or save it in /etc/bash_completion.d/)
        zsh:   source <(bcgitops completion zsh)           (in ~/.zshrc, after compinit)
      Commands, kinds, options, -o values and contexts complete; names of sources and apps too when kubectl is
      on the PATH (from the context and namespace the command line names, else the current ones).
      "kubectl bcgitops <TAB>" completes through bin/kubectl_complete-bcgitops (kubectl 1.26+ runs it from the
      PATH), which answers with this script's candidates: put it next to kubectl-bcgitops.
      exit: 0 printed, 2 wrong arguments
      """;
  /** The options of the commands that have a grammar (the cluster commands); other commands complete files. */
  private static final Map<String, CommandLine.Grammar> GRAMMARS = Map.of(
      "get", GetCommand.GRAMMAR, "reconcile", ReconcileCommand.GRAMMAR, "suspend", SuspendCommand.GRAMMAR,
      "resume", SuspendCommand.GRAMMAR, "diff", DiffCommand.GRAMMAR, "events", EventsCommand.GRAMMAR,
      "logs", LogsCommand.GRAMMAR, "version", VersionCommand.GRAMMAR);

  private static final String BASH = """
      # bash completion for bcgitops and kubectl-bcgitops (bcgitops completion bash)
      __bcgitops_names() {
        command -v kubectl >/dev/null 2>&1 || return
        # The namespace and context the command line names, as the command itself will use them.
        local i flags=()
        for ((i = 1; i < COMP_CWORD - 1; i++)); do
          case "${COMP_WORDS[i]}" in
            -n|--namespace|--context) flags+=("${COMP_WORDS[i]}" "${COMP_WORDS[i+1]}") ;;
          esac
        done
        kubectl "${flags[@]}" get "$1" -o jsonpath='{.items[*].metadata.name}' 2>/dev/null
      }
      _bcgitops() {
        local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" verb="${COMP_WORDS[1]}"
        local words="" i args=0
        if [[ $COMP_CWORD -eq 1 ]]; then
          COMPREPLY=($(compgen -W "@VERBS@" -- "$cur"))
          return
        fi
        case "$prev" in
          -n|--namespace) COMPREPLY=($(compgen -W "$(__bcgitops_names namespaces)" -- "$cur")); return ;;
          --context) COMPREPLY=($(compgen -W "$(kubectl config get-contexts -o name 2>/dev/null)" -- "$cur")); return ;;
          -o|--output) COMPREPLY=($(compgen -W "yaml json" -- "$cur")); return ;;
          --source) COMPREPLY=($(compgen -W "$(__bcgitops_names gitopssources)" -- "$cur")); return ;;
          --timeout|--tail|--path) return ;;
        esac
        if [[ $cur == -* ]]; then
          case "$verb" in
      @OPTIONS@
          esac
          COMPREPLY=($(compgen -W "$words --help" -- "$cur"))
          return
        fi
        # The positional arguments before this one (options' values skipped).
        for ((i = 2; i < COMP_CWORD; i++)); do
          case "${COMP_WORDS[i]}" in
            -n|--namespace|--context|-o|--output|--source|--timeout|--tail|--path) ((i++)) ;;
            -*) ;;
            *) ((args++)) ;;
          esac
        done
        case "$verb" in
          get|events)
            [[ $args -eq 0 ]] && COMPREPLY=($(compgen -W "$(__bcgitops_names gitopssources)" -- "$cur")) ;;
          logs)
            [[ $args -eq 0 ]] && COMPREPLY=($(compgen -W "$(__bcgitops_names appdeployments)" -- "$cur")) ;;
          reconcile)
            [[ $args -eq 0 ]] && COMPREPLY=($(compgen -W "source" -- "$cur"))
            [[ $args -eq 1 ]] && COMPREPLY=($(compgen -W "$(__bcgitops_names gitopssources)" -- "$cur")) ;;
          suspend|resume)
            [[ $args -eq 0 ]] && COMPREPLY=($(compgen -W "source app" -- "$cur"))
            if [[ $args -eq 1 ]]; then
              local kind=gitopssources
              for ((i = 2; i < COMP_CWORD; i++)); do [[ ${COMP_WORDS[i]} == app ]] && kind=appdeployments; done
              COMPREPLY=($(compgen -W "$(__bcgitops_names $kind)" -- "$cur"))
            fi ;;
          completion)
            [[ $args -eq 0 ]] && COMPREPLY=($(compgen -W "bash zsh" -- "$cur")) ;;
          help)
            [[ $args -eq 0 ]] && COMPREPLY=($(compgen -W "@VERBS@" -- "$cur")) ;;
        esac
      }
      complete -o default -F _bcgitops bcgitops kubectl-bcgitops
      """;

  private CompletionCommand() {
  }

  static int run(String[] args, Collection<String> verbs, PrintStream out, PrintStream err) {
    if (args.length != 1 || !(args[0].equals("bash") || args[0].equals("zsh"))) {
      err.println("completion: give the shell: bash or zsh" + (args.length == 0 ? "" : "; got " + String.join(" ", args)));
      err.print(USAGE);
      return 2;
    }
    String bash = script(verbs);
    // zsh runs bash completion functions through its bashcompinit.
    out.print(args[0].equals("bash") ? bash
        : "# zsh completion for bcgitops and kubectl-bcgitops (bcgitops completion zsh)\n"
            + "autoload -U +X bashcompinit && bashcompinit\n" + bash);
    return 0;
  }

  static String script(Collection<String> verbs) {
    String options = new TreeMap<>(GRAMMARS).entrySet().stream().map(entry -> {
      CommandLine.Grammar grammar = entry.getValue();
      TreeSet<String> words = new TreeSet<>(grammar.options());
      words.addAll(grammar.flags());
      words.addAll(grammar.shortNames().keySet());
      return "      " + entry.getKey() + ") words=\"" + String.join(" ", words) + "\" ;;";
    }).collect(Collectors.joining("\n"));
    return BASH.replace("@VERBS@", String.join(" ", new TreeSet<>(verbs))).replace("@OPTIONS@", options);
  }
}
