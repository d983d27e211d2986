#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

namespace geolens::test {

// One run of geolens-cli as a user would make it: exit code, standard output and error.
struct CliRun {
    int exitCode = -1; // -2 when it crashed, -1 when it did not finish in time
    QByteArray out;
    QString err;
};

inline CliRun runCli(const QStringList &args, int timeoutMs = 300000)
{
    QProcess p;
    p.start(GEOLENS_CLI_PATH, args);
    if (!p.waitForFinished(timeoutMs))
        return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(),
            QString::fromUtf8(p.readAllStandardError())};
}

} // namespace geolens::test
