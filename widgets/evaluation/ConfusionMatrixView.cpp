#include "ConfusionMatrixView.h"

#include <QFontMetrics>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollArea>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace geolens {

namespace {

const int Padding = 6;
// The axis titles' band, above the column labels and left of the row labels.
const int TitleBand = 18;

} // namespace

ConfusionMatrixView::ConfusionMatrixView(QWidget *parent)
    : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    updateMargins();
}

void ConfusionMatrixView::setMatrix(const ConfusionMatrix &matrix)
{
    matrix_ = matrix;
    if (currentRow_ >= rowCount() || currentColumn_ >= columnCount())
        currentRow_ = currentColumn_ = -1;
    hoverRow_ = hoverColumn_ = -1;
    updateMargins();
    update();
}

void ConfusionMatrixView::updateMargins()
{
    QFont small = font();
    small.setPointSizeF(std::max(6.0, font().pointSizeF() * 0.85));
    const QFontMetrics labels(font());
    const QFontMetrics counts(small);
    int widest = 0;
    for (const QString &name : std::as_const(matrix_.classes))
        widest = std::max(widest, labels.horizontalAdvance(name));
    int tallest = 0;
    for (const QString &name : std::as_const(matrix_.columns))
        tallest = std::max(tallest, labels.horizontalAdvance(name));
    // Room for a four-digit count in a cell.
    cellSize_ = std::max(26, counts.horizontalAdvance(QStringLiteral("0000")) + 4);
    rowLabelWidth_ = TitleBand + widest + Padding;
    columnLabelHeight_ = TitleBand + tallest + Padding;
    updateGeometry();
    resize(sizeHint());
}

QSize ConfusionMatrixView::sizeHint() const
{
    return {rowLabelWidth_ + columnCount() * cellSize_ + Padding, columnLabelHeight_ + rowCount() * cellSize_ + Padding};
}

QSize ConfusionMatrixView::minimumSizeHint() const
{
    return sizeHint();
}

QRect ConfusionMatrixView::cellRect(int row, int column) const
{
    if (row < 0 || row >= rowCount() || column < 0 || column >= columnCount())
        return {};
    return {rowLabelWidth_ + column * cellSize_, columnLabelHeight_ + row * cellSize_, cellSize_, cellSize_};
}

bool ConfusionMatrixView::cellAt(const QPoint &point, int *row, int *column) const
{
    const int x = point.x() - rowLabelWidth_;
    const int y = point.y() - columnLabelHeight_;
    if (x < 0 || y < 0)
        return false;
    const int c = x / cellSize_;
    const int r = y / cellSize_;
    if (r >= rowCount() || c >= columnCount())
        return false;
    *row = r;
    *column = c;
    return true;
}

double ConfusionMatrixView::rowShare(int row, int column) const
{
    const int total = matrix_.rowTotal(row);
    return total > 0 ? double(matrix_.count(row, column)) / total : 0.0;
}

QString ConfusionMatrixView::cellToolTip(int row, int column) const
{
    if (cellRect(row, column).isNull())
        return {};
    const int total = matrix_.rowTotal(row);
    return tr("True class: %1\nRead from the answer: %2\n%3 of %4 answered questions (%5%)")
        .arg(matrix_.classes.at(row), matrix_.columns.at(column))
        .arg(matrix_.count(row, column))
        .arg(total)
        .arg(100.0 * rowShare(row, column), 0, 'f', 1);
}

void ConfusionMatrixView::setCurrentCell(int row, int column)
{
    if (cellRect(row, column).isNull())
        row = column = -1;
    if (row == currentRow_ && column == currentColumn_)
        return;
    currentRow_ = row;
    currentColumn_ = column;
    update();
}

QColor ConfusionMatrixView::cellColour(double share) const
{
    // White to a deep blue; a share's square root, so that a few confusions still show.
    const double t = std::sqrt(std::clamp(share, 0.0, 1.0));
    const QColor empty(255, 255, 255);
    const QColor full(8, 69, 148);
    return QColor::fromRgbF(float(empty.redF() + (full.redF() - empty.redF()) * t),
                            float(empty.greenF() + (full.greenF() - empty.greenF()) * t),
                            float(empty.blueF() + (full.blueF() - empty.blueF()) * t));
}

void ConfusionMatrixView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QPalette &pal = palette();
    if (matrix_.isEmpty()) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("No confusion matrix"));
        return;
    }
    QFont small = font();
    small.setPointSizeF(std::max(6.0, font().pointSizeF() * 0.85));
    const QColor grid(220, 220, 220);

    // Axis titles.
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(pal.color(QPalette::Text));
    painter.drawText(QRect(rowLabelWidth_, 0, columnCount() * cellSize_, TitleBand), Qt::AlignLeft | Qt::AlignVCenter,
                     tr("Read from the answer"));
    painter.save();
    painter.translate(0, columnLabelHeight_ + rowCount() * cellSize_);
    painter.rotate(-90);
    painter.drawText(QRect(0, 0, rowCount() * cellSize_, TitleBand), Qt::AlignLeft | Qt::AlignVCenter, tr("True class"));
    painter.restore();

    painter.setFont(font());
    for (int r = 0; r < rowCount(); ++r) {
        const QRect label(TitleBand, columnLabelHeight_ + r * cellSize_, rowLabelWidth_ - TitleBand - Padding, cellSize_);
        painter.setPen(r == currentRow_ || r == hoverRow_ ? pal.color(QPalette::Highlight) : pal.color(QPalette::Text));
        painter.drawText(label, Qt::AlignRight | Qt::AlignVCenter, matrix_.classes.at(r));
    }
    for (int c = 0; c < columnCount(); ++c) {
        painter.save();
        // Written bottom to top, ending just above its column.
        painter.translate(rowLabelWidth_ + c * cellSize_, columnLabelHeight_ - Padding / 2);
        painter.rotate(-90);
        painter.setPen(c == currentColumn_ || c == hoverColumn_ ? pal.color(QPalette::Highlight) : pal.color(QPalette::Text));
        painter.drawText(QRect(0, 0, columnLabelHeight_ - TitleBand - Padding, cellSize_), Qt::AlignLeft | Qt::AlignVCenter,
                         matrix_.columns.at(c));
        painter.restore();
    }

    painter.setFont(small);
    for (int r = 0; r < rowCount(); ++r) {
        for (int c = 0; c < columnCount(); ++c) {
            const QRect cell = cellRect(r, c);
            const double share = rowShare(r, c);
            const QColor fill = cellColour(share);
            painter.fillRect(cell, fill);
            painter.setPen(grid);
            painter.drawRect(cell.adjusted(0, 0, -1, -1));
            const int n = matrix_.count(r, c);
            if (n > 0) {
                painter.setPen(fill.lightnessF() < 0.55 ? Qt::white : Qt::black);
                painter.drawText(cell, Qt::AlignCenter, QString::number(n));
            }
        }
    }
    // The diagonal (correct answers) outlined, then the hovered and the current cell.
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(QColor(0, 0, 0, 90), 1));
    for (int r = 0; r < std::min(rowCount(), columnCount()); ++r)
        painter.drawRect(cellRect(r, r).adjusted(0, 0, -1, -1));
    if (!cellRect(hoverRow_, hoverColumn_).isNull()) {
        painter.setPen(QPen(pal.color(QPalette::Highlight), 1.5));
        painter.drawRect(cellRect(hoverRow_, hoverColumn_).adjusted(1, 1, -1, -1));
    }
    if (!cellRect(currentRow_, currentColumn_).isNull()) {
        painter.setPen(QPen(hasFocus() ? QColor(230, 85, 13) : pal.color(QPalette::Highlight), 2.5));
        painter.drawRect(cellRect(currentRow_, currentColumn_).adjusted(1, 1, -2, -2));
    }
}

void ConfusionMatrixView::mousePressEvent(QMouseEvent *event)
{
    int row = -1, column = -1;
    if (event->button() == Qt::LeftButton && cellAt(event->position().toPoint(), &row, &column)) {
        setCurrentCell(row, column);
        emit cellClicked(row, column);
        return;
    }
    QWidget::mousePressEvent(event);
}

void ConfusionMatrixView::mouseMoveEvent(QMouseEvent *event)
{
    int row = -1, column = -1;
    if (!cellAt(event->position().toPoint(), &row, &column))
        row = column = -1;
    if (row != hoverRow_ || column != hoverColumn_) {
        hoverRow_ = row;
        hoverColumn_ = column;
        setCursor(row >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
        update();
    }
    QWidget::mouseMoveEvent(event);
}

void ConfusionMatrixView::leaveEvent(QEvent *event)
{
    hoverRow_ = hoverColumn_ = -1;
    update();
    QWidget::leaveEvent(event);
}

void ConfusionMatrixView::keyPressEvent(QKeyEvent *event)
{
    if (matrix_.isEmpty()) {
        QWidget::keyPressEvent(event);
        return;
    }
    int row = std::max(0, currentRow_);
    int column = std::max(0, currentColumn_);
    const bool hadCell = currentRow_ >= 0;
    switch (event->key()) {
    case Qt::Key_Left:
        column = hadCell ? std::max(0, column - 1) : column;
        break;
    case Qt::Key_Right:
        column = hadCell ? std::min(columnCount() - 1, column + 1) : column;
        break;
    case Qt::Key_Up:
        row = hadCell ? std::max(0, row - 1) : row;
        break;
    case Qt::Key_Down:
        row = hadCell ? std::min(rowCount() - 1, row + 1) : row;
        break;
    case Qt::Key_Home:
        column = 0;
        break;
    case Qt::Key_End:
        column = columnCount() - 1;
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_Space:
        setCurrentCell(row, column);
        emit cellClicked(row, column);
        return;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    setCurrentCell(row, column);
    // In a scroll area (the view's parent is its viewport), the current cell stays in sight.
    const QRect cell = cellRect(row, column);
    if (auto *area = parentWidget() ? qobject_cast<QScrollArea *>(parentWidget()->parentWidget()) : nullptr)
        area->ensureVisible(cell.center().x(), cell.center().y(), cellSize_ * 2, cellSize_ * 2);
}

bool ConfusionMatrixView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        int row = -1, column = -1;
        if (cellAt(help->pos(), &row, &column))
            QToolTip::showText(help->globalPos(), cellToolTip(row, column), this, cellRect(row, column));
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

void ConfusionMatrixView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange)
        updateMargins();
    QWidget::changeEvent(event);
}

} // namespace geolens
