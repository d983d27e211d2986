#include "CliProgram.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace geolens {

QString geolensCliPath()
{
    const QString sibling = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("geolens-cli"));
    return QFileInfo(sibling).isExecutable() ? sibling : QStringLiteral("geolens-cli");
}

} // namespace geolens
