#include "WindowScreenshot.h"

#include <QGuiApplication>
#include <QPixmap>
#include <QScreen>
#include <QWidget>

namespace geolens {

WindowScreenshot::WindowScreenshot(QWidget *window, QString path, QObject *parent)
    : QObject(parent), window_(window), path_(std::move(path))
{
}

void WindowScreenshot::take()
{
    if (taken_)
        return;
    taken_ = true;
    QScreen *screen = window_->screen();
    const QPixmap picture = QGuiApplication::platformName() == QLatin1String("xcb") && screen
                                ? screen->grabWindow(0)
                                : window_->grab();
    emit taken(picture.save(path_));
}

} // namespace geolens
