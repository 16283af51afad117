/* Loading the knowledge base and rule base together (see engine.h). */
#include "engine.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "datadir.h"
#include "xalloc.h"

/*
 * A folder (or, where file_ok, a file) the bases are read from must exist
 * and be readable: say why not, with the system's reason ("No such file or
 * directory", "Too many levels of symbolic links"), before the loaders
 * give their shorter message.
 */
static int check_path(const char *path, const char *what, bool file_ok, struct diags *d)
{
	struct stat st;
	DIR *dh;
	int err = 0;

	if (stat(path, &st) < 0) {
		err = errno;
	} else if (S_ISDIR(st.st_mode)) {
		dh = opendir(path);
		if (dh == NULL)
			err = errno;
		else
			closedir(dh);
	} else if (!file_ok) {
		err = ENOTDIR;
	}
	if (err == 0)
		return 0;
	diag_error(d, path, "cannot read the %s '%s': %s", what, path, strerror(err));
	return -1;
}

int engine_load(struct kb *kb, struct ruleset *rs, const struct engine_paths *paths,
		struct buf *used, struct diags *d)
{
	char *kdir = paths->knowledge ? xstrdup(paths->knowledge)
				      : xasprintf("%s/knowledge", datadir());
	char *rdir = xasprintf("%s/rules", datadir());
	int rc = 0;

	if (check_path(kdir, "knowledge folder", false, d) < 0 || kb_load_dir(kb, kdir, d) < 0)
		rc = -1;
	if (!paths->no_default_rules) {
		if (check_path(rdir, "rules folder", false, d) < 0 || ruleset_load_dir(rs, rdir, d) < 0)
			rc = -1;
		buf_addf(used, "%s/", datadir_display(rdir));
	}
	for (size_t i = 0; i < paths->nrules; i++) {
		if (check_path(paths->rules[i], "rules folder", true, d) < 0 ||
		    ruleset_load_dir(rs, paths->rules[i], d) < 0)
			rc = -1;
		buf_addf(used, "%s%s", used->len ? ", " : "", paths->rules[i]);
	}
	if (rc == 0 && ruleset_check(rs, kb, d) < 0)
		rc = -1;
	free(kdir);
	free(rdir);
	return rc;
}
