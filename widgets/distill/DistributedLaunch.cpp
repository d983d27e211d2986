#include "DistributedLaunch.h"

#include <QRegularExpression>

#include <algorithm>
#include <optional>

namespace geolens {

namespace {

// The GPU index a device names: "cuda:N", or "auto" and "cuda" for the first GPU; nothing for the
// CPU and for text that names no device.
std::optional<int> gpuIndex(const QString &device)
{
    const QString d = device.trimmed();
    if (d == QLatin1String("auto") || d == QLatin1String("cuda"))
        return 0;
    static const QRegularExpression cudaIndex(QStringLiteral("^cuda:([0-9]{1,4})$"));
    const QRegularExpressionMatch match = cudaIndex.match(d);
    if (!match.hasMatch())
        return std::nullopt;
    return match.captured(1).toInt();
}

} // namespace

QStringList distributedLaunchCommand(const QString &torchrun, int processes, const QString &cli,
                                     const QStringList &distillArguments)
{
    QStringList command;
    if (processes > 1)
        command << torchrun << QStringLiteral("--no-python") << QStringLiteral("--standalone")
                << QStringLiteral("--nproc-per-node") << QString::number(processes);
    command << cli << QStringLiteral("distill") << distillArguments;
    return command;
}

int gpusPerProcess(const QString &teacherDevice, const QString &studentDevice)
{
    int highest = -1;
    for (const QString &device : {teacherDevice, studentDevice})
        if (const auto index = gpuIndex(device))
            highest = std::max(highest, *index);
    return std::max(1, highest + 1);
}

QString rankDevice(const QString &device, int rank, int gpusPerProcess)
{
    const auto index = gpuIndex(device);
    if (!index)
        return device;
    return QStringLiteral("cuda:%1").arg(rank * gpusPerProcess + *index);
}

QString shellCommandLine(const QStringList &command)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_@%+=:,./-]+$"));
    QStringList quoted;
    for (const QString &argument : command) {
        if (plain.match(argument).hasMatch()) {
            quoted << argument;
            continue;
        }
        // Inside single quotes nothing is special but the quote itself, which closes the quotes,
        // goes in escaped, and opens them again.
        QString text = argument;
        text.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
        quoted << QLatin1Char('\'') + text + QLatin1Char('\'');
    }
    return quoted.join(QLatin1Char(' '));
}

} // namespace geolens
