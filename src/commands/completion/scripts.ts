import type { Words } from './words.js';

const list = (words: readonly string[]) => words.join(' ');

/** bash: the command path is the words before the cursor that are not flags or flag values. */
export function bashScript({ paths, choices }: Words): string {
  const pathCases = [...paths].map(([path, words]) => `    "${path}") words="${list(words)}" ;;`).join('\n');
  const choiceCases = [...choices]
    .map(([flag, values]) => `    ${flag}) COMPREPLY=($(compgen -W "${list(values)}" -- "$cur")); return ;;`)
    .join('\n');
  return `# mailops completion for bash. Load it with: source <(mailops completion bash)
_mailops() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
${choiceCases}
  esac
  local path="" w
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$w" in -*) ;; *) case " \${_mailops_paths} " in *" \${path:+$path }$w "*) path="\${path:+$path }$w" ;; esac ;; esac
  done
  local words
  case "$path" in
${pathCases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
_mailops_paths="${[...paths.keys()].filter(Boolean).join(' ')}"
complete -o default -F _mailops mailops
`;
}

/** zsh: the same table through compadd, after bashcompinit-free parsing of $words. */
export function zshScript({ paths, choices }: Words): string {
  const pathCases = [...paths]
    .map(([path, words]) => `    "${path}") candidates=(${list(words)}) ;;`)
    .join('\n');
  const choiceCases = [...choices]
    .map(([flag, values]) => `    ${flag}) compadd -- ${list(values)}; return ;;`)
    .join('\n');
  return `#compdef mailops
# mailops completion for zsh. Load it with: source <(mailops completion zsh)
_mailops() {
  local prev="\${words[CURRENT-1]}"
  case "$prev" in
${choiceCases}
  esac
  local path="" w
  local -a known candidates
  known=(${[...paths.keys()]
    .filter(Boolean)
    .map((p) => `"${p}"`)
    .join(' ')})
  for w in "\${(@)words[2,CURRENT-1]}"; do
    [[ "$w" == -* ]] && continue
    if (( \${known[(Ie)\${path:+$path }$w]} )); then path="\${path:+$path }$w"; fi
  done
  case "$path" in
${pathCases}
  esac
  compadd -- "\${candidates[@]}"
}
compdef _mailops mailops
`;
}
