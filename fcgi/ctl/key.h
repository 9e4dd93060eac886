/* gatehouse-ctl key: partner API keys from the shell (issue 14). */
#ifndef GH_CTL_KEY_H
#define GH_CTL_KEY_H

#include "conf.h"
#include "db.h"

/* argv: what follows "key".  Returns the exit code (2: usage). */
int ctl_key(struct db *db, const struct conf *c, int argc, char **argv);

#endif
