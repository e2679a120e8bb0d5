# The setup the cache suites share (23-nss-cache, 24-kept-config): the
# suite's user $U with the static dump CGI as d.cgi in its jail $J, and a
# config of cj_conf_head's lines plus any given to write_conf. Source after
# tap.sh and cgijail.sh, with U set.

write_conf() { { cj_conf_head; printf '%s\n' "$@"; } | cj_conf; }

_one_cgi_setup() {
	cj_install || return 2
	cj_build_cgis || return 2
	cj_user "$U" && "$@" || return 2
	J=$(cj_jail "$U") && cj_site "$U" || return 2
	cj_cgi "$CJ_WORK/dump-static" "$J/var/www/cgi-bin/d.cgi" "$U:$U"
	write_conf
}

# one_cgi_setup [CMD...]: the above, CMD run after the user is made; on
# failure "not ok - setup" with the end of its log, and the suite ends.
one_cgi_setup() {
	if ! _one_cgi_setup "${@:-true}" >"$CJ_WORK/setup.log" 2>&1; then
		not_ok "setup"; diag "$(tail -n 30 "$CJ_WORK/setup.log")"; tap_end; exit 0
	fi
}

run() { cj_reset_run; cj_run "$(cj_bin "$U")" "$U" "$U" d.cgi; }
dry() { cj_reset_run; CJ_AS=root; cj_run "$(cj_bin "$U")" --dry-run "$U" "$U" d.cgi; }
# settle: a file just changed is not kept by cgijail (a second change in
# the same tick of the file system's clock could leave its times as they
# are); let two seconds pass.
settle() { sleep 2.1; }
