#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "log.h"
#include "render.h"

#define RENDER_MAX 32

static struct {
	char name[64];
	xsltStylesheetPtr sheet;
} sheets[RENDER_MAX];
static size_t nsheets;
static xsltSecurityPrefsPtr prefs;

int render_init(const char *dir, const char *const *names)
{
	char path[PATH_MAX];

	/* Stylesheets may include layout.xsl at compile time; after that,
	 * nothing may read or write a file or reach the network. */
	for (; *names != NULL; names++) {
		xsltStylesheetPtr s;
		if (nsheets == RENDER_MAX || strlen(*names) >= sizeof sheets[0].name) {
			log_err("render: too many stylesheets, or a name too long: %s", *names);
			return -1;
		}
		snprintf(path, sizeof path, "%s/%s.xsl", dir, *names);
		if ((s = xsltParseStylesheetFile(BAD_CAST path)) == NULL) {
			log_err("render: cannot compile %s", path);
			return -1;
		}
		snprintf(sheets[nsheets].name, sizeof sheets[0].name, "%s", *names);
		sheets[nsheets++].sheet = s;
	}
	if ((prefs = xsltNewSecurityPrefs()) == NULL)
		return -1;
	xsltSetSecurityPrefs(prefs, XSLT_SECPREF_READ_FILE, xsltSecurityForbid);
	xsltSetSecurityPrefs(prefs, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid);
	xsltSetSecurityPrefs(prefs, XSLT_SECPREF_CREATE_DIRECTORY, xsltSecurityForbid);
	xsltSetSecurityPrefs(prefs, XSLT_SECPREF_READ_NETWORK, xsltSecurityForbid);
	xsltSetSecurityPrefs(prefs, XSLT_SECPREF_WRITE_NETWORK, xsltSecurityForbid);
	xsltSetDefaultSecurityPrefs(prefs);
	return 0;
}

int render_html(const char *name, xmlDocPtr doc, xmlChar **out, int *len)
{
	xsltStylesheetPtr s = NULL;
	xsltTransformContextPtr ctx = NULL;
	xmlDocPtr res = NULL;
	int rc = -1;

	*out = NULL;
	for (size_t i = 0; i < nsheets; i++)
		if (strcmp(sheets[i].name, name) == 0)
			s = sheets[i].sheet;
	if (s == NULL) {
		log_err("render: no stylesheet %s", name);
		goto out;
	}
	if ((ctx = xsltNewTransformContext(s, doc)) == NULL)
		goto out;
	xsltSetCtxtSecurityPrefs(prefs, ctx);
	if ((res = xsltApplyStylesheetUser(s, doc, NULL, NULL, NULL, ctx)) == NULL ||
	    ctx->state != XSLT_STATE_OK) {
		log_err("render: %s failed", name);
		goto out;
	}
	if (xsltSaveResultToString(out, len, res, s) != 0 || *out == NULL)
		goto out;
	rc = 0;
out:
	xmlFreeDoc(res);
	xsltFreeTransformContext(ctx);
	return rc;
}

void render_free(void)
{
	for (size_t i = 0; i < nsheets; i++)
		xsltFreeStylesheet(sheets[i].sheet);
	nsheets = 0;
	xsltSetDefaultSecurityPrefs(NULL);
	xsltFreeSecurityPrefs(prefs);
	prefs = NULL;
	xsltCleanupGlobals();
}
