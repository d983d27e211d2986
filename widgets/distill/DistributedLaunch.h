#pragma once

#include <QString>
#include <QStringList>

namespace geolens {

// How a distillation run is started on several GPUs: as one process per GPU (or per group of GPUs
// when the teacher and the student are on different ones) under torchrun, each process one rank of
// the run's process group. Plain Qt Core, so that the wizard's page and the run monitor build the
// very same command and tests check it without a GUI.

// The command that runs `cli distill distillArguments`: as it is for one process, else under
// `torchrun --no-python --standalone --nproc-per-node processes`. torchrun --no-python starts cli
// itself in each rank, and --standalone gives the ranks a rendezvous on this computer.
QStringList distributedLaunchCommand(const QString &torchrun, int processes, const QString &cli,
                                     const QStringList &distillArguments);

// How many GPUs one rank uses: the highest GPU index the teacher's and the student's devices name,
// plus one ("auto" and "cuda" name GPU 0), since rank r runs cuda:i on cuda:(r * count + i). 1 when
// both are on the CPU.
int gpusPerProcess(const QString &teacherDevice, const QString &studentDevice);

// The device rank `rank` of a run uses for a configured device: cuda:i becomes
// cuda:(rank * gpusPerProcess + i); "auto" and "cuda" count as cuda:0. Other devices (the CPU, text
// that names no device) are the same in every rank.
QString rankDevice(const QString &device, int rank, int gpusPerProcess);

// command as one line a POSIX shell reads back into the same arguments: an argument with
// characters the shell would take apart (spaces, quotes, $, ...) in single quotes.
QString shellCommandLine(const QStringList &command);

} // namespace geolens
