/*
 * Small helpers of the language itself, needed by most files.
 */
#ifndef ADVISOR_UTIL_H
#define ADVISOR_UTIL_H

/* Elements in a true array (never a pointer: that gives a wrong count). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
