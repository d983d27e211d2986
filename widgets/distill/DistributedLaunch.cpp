#include "DistributedLaunch.h"

#include "distributed/LaunchEnvironment.h"

#include <QRegularExpression>

#include <algorithm>
#include <optional>

namespace geolens {

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
    return devicesPerRank({teacherDevice.trimmed().toStdString(), studentDevice.trimmed().toStdString()});
}
QString rankDevice(const QString &device, int rank, int gpusPerProcess)
{
    // Where "auto" finds CUDA it takes the rank's first GPU, as "cuda" does.
    const QString d = device.trimmed();
    const std::string name = d == QLatin1String("auto") ? std::string("cuda") : d.toStdString();
    if (name.rfind("cuda", 0) != 0)
        return device;
    return QString::fromStdString(rankDeviceName(name, rank, gpusPerProcess));
}QString shellCommandLine(const QStringList &command)
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
