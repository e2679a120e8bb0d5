/* Names in the template store: see tnames.h. */
#include "tnames.h"

#include <string.h>

static bool lower_or_digit(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool cj_template_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= CJ_TEMPLATE_NAME_MAX || !lower_or_digit(name[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!lower_or_digit(name[i]) && name[i] != '.' && name[i] != '_' && name[i] != '-')
			return false;
	return true;
}

bool cj_template_gen_ok(const char *gen)
{
	size_t n = strlen(gen);

	if (n < 2 || n >= CJ_TEMPLATE_GEN_MAX || gen[0] != 'g')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((gen[i] >= '0' && gen[i] <= '9') || (gen[i] >= 'a' && gen[i] <= 'f') ||
		      gen[i] == 'T' || gen[i] == 'Z' || gen[i] == '-'))
			return false;
	return true;
}
