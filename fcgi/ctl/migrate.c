/* gatehouse-ctl migrate (migrate.h).  The only process that changes the
 * schema: the responders' MariaDB account has no DDL grants. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate.h"

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads a whole file into a malloc'd, NUL-terminated buffer (the caller
 * frees it); NULL with errno set on failure. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long sz;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		goto out;
	if ((buf = malloc((size_t)sz + 1)) == NULL)
		goto out;
	if (fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		free(buf);
		buf = NULL;
		errno = EIO;
		goto out;
	}
	buf[sz] = '\0';
	*len = (size_t)sz;
out:
	fclose(f);
	return buf;
}

/* The migration files' names (NNN_*.sql) in sqldir, sorted: *names and
 * each name malloc'd, freed with free_names().  -1 on failure. */
static int list_files(const char *sqldir, char ***names, size_t *n)
{
	DIR *d = opendir(sqldir);
	struct dirent *e;
	size_t cap = 0;
	int rc = -1;

	*names = NULL;
	*n = 0;
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 8 || strcmp(e->d_name + len - 4, ".sql") != 0 ||
		    strspn(e->d_name, "0123456789") != 3 || e->d_name[3] != '_')
			continue;
		if (*n == cap) {
			char **nn = realloc(*names, (cap = cap ? cap * 2 : 16) * sizeof *nn);
			if (nn == NULL)
				goto out;
			*names = nn;
		}
		if (((*names)[*n] = strdup(e->d_name)) == NULL)
			goto out;
		(*n)++;
	}
	qsort(*names, *n, sizeof **names, name_cmp);
	rc = 0;
out:
	closedir(d);
	return rc;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* One file, unless schema_version has it. */
static enum db_result apply(struct db *db, const char *sqldir, const char *name, int verbose,
			    char *err, size_t errsz)
{
	char path[4096];
	unsigned version = (unsigned)atoi(name);
	size_t len = 0;
	char *sql;
	int done = 0;
	enum db_result rc;

	if ((rc = db_schema_applied(db, version, &done)) != DB_OK) {
		snprintf(err, errsz, "%s", db_errmsg(db));
		return rc;
	}
	if (done) {
		if (verbose)
			printf("migrate: %s already applied\n", name);
		return DB_OK;
	}
	snprintf(path, sizeof path, "%s/%s", sqldir, name);
	if ((sql = read_file(path, &len)) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return DB_ERR;
	}
	rc = db_exec_script(db, sql, len, path);
	free(sql);
	if (rc == DB_OK)
		rc = db_schema_record(db, version, name);
	if (rc != DB_OK)
		snprintf(err, errsz, "%s", db_errmsg(db));
	else if (verbose)
		printf("migrate: applied %s\n", name);
	return rc;
}

enum db_result ctl_migrate(struct db *db, const char *sqldir, int verbose, char *err, size_t errsz)
{
	char **names = NULL;
	size_t n = 0;
	enum db_result rc;

	err[0] = '\0';
	if ((rc = db_schema_init(db)) != DB_OK) {
		snprintf(err, errsz, "%s", db_errmsg(db));
		return rc;
	}
	if (list_files(sqldir, &names, &n) != 0) {
		snprintf(err, errsz, "%s: %s", sqldir, strerror(errno));
		rc = DB_ERR;
		goto out;
	}
	for (size_t i = 0; i < n && rc == DB_OK; i++)
		rc = apply(db, sqldir, names[i], verbose, err, errsz);
out:
	free_names(names, n);
	return rc;
}
