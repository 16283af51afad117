# fish completion for advisor(1).  Templates, report formats and rule ids
# are asked of advisor itself at completion time.

set -l commands recommend probe check rules init diff help

function __advisor_templates
    advisor init --list 2>/dev/null | string replace -r '^(\S+)\s+(.*)$' '$1\t$2'
end
function __advisor_formats
    advisor recommend --list-formats 2>/dev/null | string replace -r '^(\S+)\s+\S+\s+(.*)$' '$1\t$2'
end
function __advisor_rule_ids
    advisor rules list 2>/dev/null | string replace -r '^(\S+).*$' '$1'
end

complete -c advisor -f
# Global options, before or after the command.
complete -c advisor -s q -l quiet -d 'No progress output on stderr'
complete -c advisor -s v -l verbose -d 'Say on stderr what was written'
complete -c advisor -s h -l help -d 'Show the help'
complete -c advisor -n "not __fish_seen_subcommand_from $commands" -s V -l version -d 'Show the version'

complete -c advisor -n "not __fish_seen_subcommand_from $commands" -a recommend -d 'Write a trade-off recommendation'
complete -c advisor -n "not __fish_seen_subcommand_from $commands" -a probe -d 'Measure this machine'
complete -c advisor -n "not __fish_seen_subcommand_from $commands" -a check -d 'Validate profiles'
complete -c advisor -n "not __fish_seen_subcommand_from $commands" -a rules -d 'List, check or show rules'
complete -c advisor -n "not __fish_seen_subcommand_from $commands" -a init -d 'Write a starter profile'
complete -c advisor -n "not __fish_seen_subcommand_from $commands" -a diff -d 'Compare two JSON reports'
complete -c advisor -n "not __fish_seen_subcommand_from $commands" -a help -d 'Show a command\'s help'

# recommend
complete -c advisor -n '__fish_seen_subcommand_from recommend' -F
complete -c advisor -n '__fish_seen_subcommand_from recommend' -s o -l output -r -F -d 'Write the report to FILE (repeatable)'
complete -c advisor -n '__fish_seen_subcommand_from recommend' -s f -l format -x -a '(__advisor_formats)' -d 'Report format'
complete -c advisor -n '__fish_seen_subcommand_from recommend' -l budget -x -d 'Time for the probes, seconds'
complete -c advisor -n '__fish_seen_subcommand_from recommend' -l no-probes -d 'Use the knowledge base defaults'
complete -c advisor -n '__fish_seen_subcommand_from recommend' -l probes-from -r -F -d 'Use saved probe figures'
complete -c advisor -n '__fish_seen_subcommand_from recommend' -l rules -r -a '(__fish_complete_directories)' -d 'Add a folder of rules'
complete -c advisor -n '__fish_seen_subcommand_from recommend' -l knowledge -r -a '(__fish_complete_directories)' -d 'Use another knowledge base'
complete -c advisor -n '__fish_seen_subcommand_from recommend' -l explain -d 'Print every rule verdict on stderr'
complete -c advisor -n '__fish_seen_subcommand_from recommend' -l list-formats -d 'List the report formats'
complete -c advisor -n '__fish_seen_subcommand_from recommend' -l adr-dir -r -a '(__fish_complete_directories)' -d 'Add a numbered MADR decision record to a folder'

# probe
complete -c advisor -n '__fish_seen_subcommand_from probe' -l budget -x -d 'Time for the suite, seconds'
complete -c advisor -n '__fish_seen_subcommand_from probe' -l only -x -d 'Run only these probes'
complete -c advisor -n '__fish_seen_subcommand_from probe' -s f -l format -x -a 'json table' -d 'Output format'
complete -c advisor -n '__fish_seen_subcommand_from probe' -l json -d 'The same as --format json'
complete -c advisor -n '__fish_seen_subcommand_from probe' -s o -l output -r -F -d 'Write the JSON to FILE'

# check
complete -c advisor -n '__fish_seen_subcommand_from check' -F
complete -c advisor -n '__fish_seen_subcommand_from check' -s f -l format -x -a 'text json github' -d 'Output format'
complete -c advisor -n '__fish_seen_subcommand_from check' -l knowledge -r -a '(__fish_complete_directories)' -d 'Use another knowledge base'
complete -c advisor -n '__fish_seen_subcommand_from check' -l fields-md -d 'Print the profile field table'

# rules
complete -c advisor -n '__fish_seen_subcommand_from rules; and not __fish_seen_subcommand_from list lint show' -a 'list lint show'
complete -c advisor -n '__fish_seen_subcommand_from rules; and __fish_seen_subcommand_from show' -a '(__advisor_rule_ids)' -d 'Rule id'
complete -c advisor -n '__fish_seen_subcommand_from rules' -l rules -r -a '(__fish_complete_directories)' -d 'Add a folder of rules'
complete -c advisor -n '__fish_seen_subcommand_from rules' -l knowledge -r -a '(__fish_complete_directories)' -d 'Use another knowledge base'

# init
complete -c advisor -n '__fish_seen_subcommand_from init' -s t -l template -x -a '(__advisor_templates)' -d 'The template'
complete -c advisor -n '__fish_seen_subcommand_from init' -s o -l output -r -F -d 'Write to FILE'
complete -c advisor -n '__fish_seen_subcommand_from init' -l force -d 'Overwrite FILE when it exists'
complete -c advisor -n '__fish_seen_subcommand_from init' -l list -d 'List the templates'

# diff
complete -c advisor -n '__fish_seen_subcommand_from diff' -F
complete -c advisor -n '__fish_seen_subcommand_from diff' -s f -l format -x -a 'text json markdown' -d 'Output format'
complete -c advisor -n '__fish_seen_subcommand_from diff' -l fail-on -x -a 'winner score any' -d 'When to exit 4'

# help
complete -c advisor -n '__fish_seen_subcommand_from help' -a 'recommend probe check rules init diff'
complete -c advisor -n '__fish_seen_subcommand_from recommend' -l replay -d 'Measure and replay the workload in each runtime'
complete -c advisor -n '__fish_seen_subcommand_from probe' -l replay -r -F -d "Serve a profile's workload in each runtime"
complete -c advisor -n '__fish_seen_subcommand_from probe' -l manifest -r -F -d 'The replay manifest'
