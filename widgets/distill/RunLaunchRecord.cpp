#include "RunLaunchRecord.h"

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/JsonIo.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <climits>

namespace geolens {

namespace {

std::string localPath(const QString &path)
{
    return QFile::encodeName(path).toStdString();
}

} // namespace

QString RunLaunchRecord::filePath(const QString &runDir)
{
    return QDir(runDir).filePath(QStringLiteral("launch.json"));
}

RunLaunchRecord RunLaunchRecord::read(const QString &runDir)
{
    const QString path = filePath(runDir);
    if (!QFileInfo::exists(path))
        return {};
    const Json json = readJsonFile(localPath(path));
    const Json *processes = jsonMember(json, "processes");
    if (!processes)
        throw FileError(localPath(path), "it has no \"processes\" member");
    const auto count = exactInt64(*processes);
    if (!count || *count < 1 || *count > INT_MAX)
        throw FileError(localPath(path), "\"processes\" must be a whole number of at least 1, not " +
                                             dumpJson(*processes));
    RunLaunchRecord record;
    record.processes = static_cast<int>(*count);
    return record;
}

void RunLaunchRecord::write(const QString &runDir) const
{
    if (processes < 1)
        throw InvalidArgument("a run is started as at least one process, not " + std::to_string(processes));
    Json json = Json::object();
    json["launcher"] = processes > 1 ? "torchrun" : "geolens-cli";
    json["processes"] = processes;
    writeFileAtomically(localPath(filePath(runDir)), dumpJson(json, 2) + "\n");
}

} // namespace geolens
