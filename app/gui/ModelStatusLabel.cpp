#include "ModelStatusLabel.h"

#include "model/GeoChatModel.h"
#include "model/ModelConfig.h"

#include <QEvent>
#include <QFileInfo>
#include <QMouseEvent>

namespace geolens {

ModelStatusLabel::ModelStatusLabel(QWidget *parent) : QLabel(parent)
{
    setObjectName(QStringLiteral("modelStatus"));
    setCursor(Qt::PointingHandCursor);
    retranslate();
}

void ModelStatusLabel::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        emit clicked();
        event->accept();
        return;
    }
    QLabel::mousePressEvent(event);
}

void ModelStatusLabel::setModel(std::shared_ptr<const GeoChatModel> model, const QString &folder)
{
    model_ = std::move(model);
    folder_ = folder;
    retranslate();
}

void ModelStatusLabel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QLabel::changeEvent(event);
}

void ModelStatusLabel::retranslate()
{
    if (!model_) {
        setText(tr("No model"));
        setToolTip(tr("Click to load a model folder (Ctrl+M)"));
        return;
    }
    setText(tr("Model: %1 (%2, %3)")
                .arg(QFileInfo(folder_).fileName(), QString::fromStdString(model_->deviceName()),
                     QString::fromStdString(model_->dtypeName())));
    const ModelConfig &c = model_->config();
    setToolTip(tr("%1\n%2 layout, %3 billion parameters, %4 MiB of weights\n%5 layers, hidden size %6, "
                  "%7 px input, %8 image tokens\nClick to load another model")
                   .arg(folder_)
                   .arg(QString::fromLatin1(checkpointLayoutName(c.layout)))
                   .arg(model_->parameterCount() / 1e9, 0, 'f', 2)
                   .arg(model_->weightBytes() >> 20)
                   .arg(c.text.layers)
                   .arg(c.text.hiddenSize)
                   .arg(c.inputSize)
                   .arg(c.imageTokens()));
}

} // namespace geolens
