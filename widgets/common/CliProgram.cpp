#include "CliProgram.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace geolens {

QString geolensCliPath()
{
    const QString sibling = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("geolens-cli"));
    return QFileInfo(sibling).isExecutable() ? sibling : QStringLiteral("geolens-cli");
}

QString executableProgram(const QString &program)
{
    const QString found = QFileInfo(program).isAbsolute() ? program : QStandardPaths::findExecutable(program);
    return !found.isEmpty() && QFileInfo(found).isExecutable() ? found : QString();
}

} // namespace geolens
