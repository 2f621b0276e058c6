/*
 * config_digest.c - a digest of everything a config was read from: the
 * libconfig tree as parsed (the file and whatever it @includes), and the
 * path it was given as.  Two loads with the same digest made the same
 * struct cad_config: the daemon keys its kept snapshot with it
 * (daemon/persist.h).  Exact, not fuzzy: any setting's name, type or
 * value, or the order of the settings, moves it.
 */
#include <stdint.h>
#include <string.h>

#include "base/hash.h"
#include "config_load.h"

static void
digest_setting(struct cad_sha256 *h, const config_setting_t *s)
{
	const char *name = config_setting_name(s);
	int type = config_setting_type(s);
	long long i;
	double f;

	cad_sha256_update_field(h, name != NULL ? name : "", name != NULL ?
	    strlen(name) + 1 : 0);
	cad_sha256_update(h, &type, sizeof type);
	switch (type) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
	case CONFIG_TYPE_BOOL:
		i = type == CONFIG_TYPE_BOOL ? config_setting_get_bool(s) :
		    config_setting_get_int64(s);
		cad_sha256_update(h, &i, sizeof i);
		break;
	case CONFIG_TYPE_FLOAT:
		f = config_setting_get_float(s);
		cad_sha256_update(h, &f, sizeof f);
		break;
	case CONFIG_TYPE_STRING: {
		const char *v = config_setting_get_string(s);
		cad_sha256_update_field(h, v, strlen(v));
		break;
	}
	default: {	/* group, list, array */
		int n = config_setting_length(s);
		cad_sha256_update(h, &n, sizeof n);
		for (int k = 0; k < n; k++)
			digest_setting(h, config_setting_get_elem(s,
			    (unsigned)k));
	}
	}
}

void
ld_digest(const config_setting_t *root, const char *path,
    char out[static 65])
{
	struct cad_sha256 h;

	cad_sha256_init(&h);
	cad_sha256_update_field(&h, path, strlen(path));
	digest_setting(&h, root);
	cad_sha256_final_hex(&h, out);
}
