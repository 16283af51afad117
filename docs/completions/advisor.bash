# bash completion for advisor(1).
# Commands and options are listed here (tests/e2e/t-completions.sh checks
# them against 'advisor help --list-options'); templates, report formats
# and rule ids are asked of advisor itself at completion time.

_advisor_words() {
	# $1: init-templates | formats | rules
	local cmd=${COMP_WORDS[0]}
	case $1 in
	init-templates) "$cmd" init --list 2>/dev/null | cut -d' ' -f1 ;;
	formats) "$cmd" recommend --list-formats 2>/dev/null | cut -d' ' -f1 ;;
	rules) "$cmd" rules list 2>/dev/null | cut -d' ' -f1 ;;
	esac
}

_advisor() {
	local cur prev words cword
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	local commands="recommend probe check rules init diff help"
	local global="-q --quiet -v --verbose -h --help -V --version"
	local cmd="" i
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done

	# Values of options.
	case $prev in
	-f | --format)
		case $cmd in
		recommend) COMPREPLY=($(compgen -W "$(_advisor_words formats)" -- "$cur")) ;;
		probe) COMPREPLY=($(compgen -W "json table" -- "$cur")) ;;
		check) COMPREPLY=($(compgen -W "text json github" -- "$cur")) ;;
		diff) COMPREPLY=($(compgen -W "text json markdown" -- "$cur")) ;;
		esac
		return 0 ;;
	--fail-on)
		COMPREPLY=($(compgen -W "winner score any" -- "$cur"))
		return 0 ;;
	-t | --template)
		COMPREPLY=($(compgen -W "$(_advisor_words init-templates)" -- "$cur"))
		return 0 ;;
	--budget | --only)
		return 0 ;;
	--rules | --knowledge | --adr-dir)
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0 ;;
	-o | --output | --probes-from | --replay | --manifest)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0 ;;
	esac

	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$global" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return 0
	fi

	local opts=""
	case $cmd in
	recommend) opts="-o --output -f --format --budget --no-probes --probes-from --rules --knowledge --explain --list-formats --replay --adr-dir" ;;
	probe) opts="--budget --only -f --format --json -o --output --replay --manifest" ;;
	check) opts="-f --format --knowledge --fields-md" ;;
	rules) opts="--rules --knowledge" ;;
	init) opts="-t --template -o --output --force --list" ;;
	diff) opts="-f --format --fail-on" ;;
	help) COMPREPLY=($(compgen -W "$commands" -- "$cur")); return 0 ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts -q --quiet -v --verbose -h --help" -- "$cur"))
		return 0
	fi
	case $cmd in
	rules)
		local sub="" j
		for ((j = i + 1; j < COMP_CWORD; j++)); do
			case ${COMP_WORDS[j]} in
			--rules | --knowledge) j=$((j + 1)) ;;
			-*) ;;
			*) sub=${COMP_WORDS[j]}; break ;;
			esac
		done
		case $sub in
		"") COMPREPLY=($(compgen -W "list lint show" -- "$cur")) ;;
		show) COMPREPLY=($(compgen -W "$(_advisor_words rules)" -- "$cur")) ;;
		lint) COMPREPLY=($(compgen -d -- "$cur")) ;;
		esac ;;
	recommend | check)
		COMPREPLY=($(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur")) ;;
	diff)
		COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur")) ;;
	esac
	return 0
}

complete -F _advisor advisor
