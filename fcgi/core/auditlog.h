/* The audit log's entries written out (issue 15): as the <entry> of the
 * XML documents (the export's <audit-log> and the partner feed's <audit>,
 * both in xslt/feed/v1/audit.xsd) and as CSV rows (the export's other
 * format), each written as it is read.  Never a secret: the entries hold
 * none (db.h, struct db_audit). */
#ifndef GH_AUDITLOG_H
#define GH_AUDITLOG_H

#include <libxml/xmlwriter.h>
#include <stddef.h>

#include "db.h"

/* An entry's parts in document order, as both <entry>s have them: each
 * attribute (element 0), then each child element with its text (element
 * 1), those without a value left out.  put's nonzero stops: returned. */
typedef int (*auditlog_part_fn)(void *ctx, int element, const char *name, const char *value);
int auditlog_entry_parts(const struct db_audit_row *r, auditlog_part_fn put, void *ctx);

/* <entry id time action actor-kind [actor-id] [target-kind target-id]
 * [address] [request-id]><actor/><target/>[<old/>][<new/>]</entry>.
 * Returns the writer's answer (< 0: it failed). */
int auditlog_xml_entry(xmlTextWriterPtr w, const struct db_audit_row *r);

#include "csv.h"

/* The CSV's header line (with the UTF-8 byte order mark that spreadsheet
 * programs need to read UTF-8) and one line per entry, each field written
 * by csv_put_field.  0, or put's nonzero. */
int auditlog_csv_header(csv_put_fn put, void *ctx);
int auditlog_csv_entry(const struct db_audit_row *r, csv_put_fn put, void *ctx);

#endif
