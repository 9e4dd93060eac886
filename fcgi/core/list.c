#include "config.h"

#include <stdio.h>
#include <string.h>

#include "list.h"
#include "xml.h"

static const unsigned sizes[] = {10, 25, 50, 100};

const char *list_view_read(const struct list_spec *spec, const struct val_value *v,
			   struct list_view *out)
{
	size_t o = 0;

	memset(out, 0, sizeof *out);
	out->per = spec->default_per ? spec->default_per : 10;
	out->page = 1;
	out->filter = "";
	if (v[0].st == VAL_OK) {
		size_t i;
		for (i = 0; i < spec->ncols; i++)
			if (strcmp(v[0].str, spec->cols[i].key) == 0)
				break;
		if (i == spec->ncols)
			return "Unknown sort key.";
		out->sort = (unsigned)i;
	}
	if (v[1].st == VAL_OK) {
		if (strcmp(v[1].str, "desc") == 0)
			out->desc = 1;
		else if (strcmp(v[1].str, "asc") != 0)
			return "Direction is asc or desc.";
	}
	if (v[2].st == VAL_OK)
		out->filter = v[2].str;
	if (v[3].st == VAL_OK && v[3].num > 0)
		out->page = v[3].num > 1000000000 ? 1000000000 : (unsigned)v[3].num;
	if (v[4].st == VAL_OK) {
		size_t i;
		for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
			if (v[4].num == sizes[i])
				break;
		if (i == sizeof sizes / sizeof sizes[0])
			return "Items per page is 10, 25, 50 or 100.";
		out->per = sizes[i];
	}
	/* LIKE pattern: the filter is a plain substring, never a pattern. */
	out->like[o++] = '%';
	for (const char *p = out->filter; *p && o + 3 < sizeof out->like; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			out->like[o++] = '\\';
		out->like[o++] = *p;
	}
	out->like[o++] = '%';
	out->like[o] = '\0';
	return NULL;
}

void list_window(struct list_view *lv, unsigned long long total)
{
	unsigned long long pages = total == 0 ? 1 : (total + lv->per - 1) / lv->per;

	lv->total = total;
	lv->pages = pages > 1000000000ULL ? 1000000000U : (unsigned)pages;
	if (lv->page > lv->pages)
		lv->page = lv->pages;
	lv->offset = (unsigned long long)(lv->page - 1) * lv->per;
}

xmlNodePtr list_xml(xmlNodePtr parent, const struct list_spec *spec, const struct list_view *lv)
{
	xmlNodePtr l = xml_el(parent, "list"), n;
	unsigned long long left = lv->total > lv->offset ? lv->total - lv->offset : 0;
	unsigned long long nrows = left < lv->per ? left : lv->per;

	xml_attr(l, "sort", spec->cols[lv->sort].key);
	xml_attr(l, "dir", lv->desc ? "desc" : "asc");
	xml_attr(l, "filter", lv->filter);
	xml_attr_int(l, "page", lv->page);
	xml_attr_int(l, "pages", lv->pages);
	xml_attr_int(l, "per-page", lv->per);
	xml_attr_int(l, "total", (long long)lv->total);
	/* "1 – 10 of 50": first and last shown, 0 - 0 when empty. */
	xml_attr_int(l, "first", nrows ? (long long)lv->offset + 1 : 0);
	xml_attr_int(l, "last", (long long)(lv->offset + nrows));
	for (size_t i = 0; i < spec->ncols; i++) {
		n = xml_el(l, "column");
		xml_attr(n, "key", spec->cols[i].key);
		xml_attr(n, "label", spec->cols[i].label);
		if (i == lv->sort)
			xml_attr(n, "sorted", lv->desc ? "desc" : "asc");
	}
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		n = xml_el(l, "page-size");
		xml_attr_int(n, "value", sizes[i]);
		if (sizes[i] == lv->per)
			xml_attr(n, "current", "1");
	}
	return xml_el(l, "rows");
}
