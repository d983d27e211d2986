#include "WindowGeometry.h"

#include <QEvent>
#include <QScreen>
#include <QSettings>
#include <QWidget>

#include <algorithm>

namespace geolens {

namespace {

QRect availableArea(const QWidget *window)
{
    const QScreen *screen = window->screen();
    return screen ? screen->availableGeometry() : QRect(0, 0, 1280, 720);
}

} // namespace

WindowGeometry::WindowGeometry(QWidget *window, QString key) : QObject(window), key_(std::move(key)) {}

QSize WindowGeometry::fitted(const QSize &preferred, const QRect &available)
{
    return QSize(std::min(preferred.width(), available.width() * 9 / 10),
                 std::min(preferred.height(), available.height() * 9 / 10));
}

void WindowGeometry::remember(QWidget *window, const QString &key, const QSize &preferred)
{
    const QByteArray saved = QSettings().value(key).toByteArray();
    if (saved.isEmpty() || !window->restoreGeometry(saved))
        window->resize(fitted(preferred, availableArea(window)));
    keepOnScreen(window);
    window->installEventFilter(new WindowGeometry(window, key));
}

void WindowGeometry::keepOnScreen(QWidget *window)
{
    const QRect available = availableArea(window);
    if (window->width() > available.width() || window->height() > available.height())
        window->resize(fitted(window->size(), available));
    QRect frame = window->frameGeometry();
    if (!available.contains(frame)) {
        frame.moveLeft(std::clamp(frame.left(), available.left(), std::max(available.left(), available.right() - frame.width())));
        frame.moveTop(std::clamp(frame.top(), available.top(), std::max(available.top(), available.bottom() - frame.height())));
        window->move(frame.topLeft());
    }
}

bool WindowGeometry::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Hide || event->type() == QEvent::Close)
        if (auto *window = qobject_cast<QWidget *>(watched); window && window->isWindow())
            QSettings().setValue(key_, window->saveGeometry());
    return QObject::eventFilter(watched, event);
}

} // namespace geolens
