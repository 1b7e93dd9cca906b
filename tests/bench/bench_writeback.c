// SPDX-License-Identifier: MIT
/*
 * Writeback benchmarks: 4 KiB folios written back per second through the
 * block device client (iomap writeback, ioends, bios, zone write plugs, the
 * emulated device), in tags mode and with every byte kept, and the peak
 * memory of a run that writes far more than it keeps dirty at once.
 */
#include <stdio.h>
#include <sys/resource.h>

#include "bench_wb.h"

/* Folios per second of writeback (wall clock), @batch folios a round, @rounds rounds */
static double run(const char *spec, unsigned int batch, unsigned int rounds)
{
	uint64_t folios;
	double secs = bench_wb_run("bench", spec, batch, rounds, CLOCK_MONOTONIC, &folios);

	return (double)folios / secs;
}

int main(void)
{
	struct rusage ru;

	/* 16 GiB written through 256 MiB of dirty cache at a time: memory must follow the dirty data. */
	printf("bench: blkdev_writeback_folios_per_s %.0f folios/s\n",
	       run("emu:zones=256,zone_size=256M,data=tags", 65536, 64));
	getrusage(RUSAGE_SELF, &ru);
	printf("bench: blkdev_writeback_peak_rss_mib %.1f MiB\n", (double)ru.ru_maxrss / 1024);
	printf("bench: blkdev_writeback_folios_per_s_data %.0f folios/s\n",
	       run("emu:zones=16,zone_size=256M,data=bytes", 65536, 4));
	return 0;
}
