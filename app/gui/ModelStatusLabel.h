#pragma once

#include <QLabel>

#include <memory>

namespace geolens {

class GeoChatModel;

// The status bar's word on the model: its folder, device and weight type, and in the tooltip its
// layout, size and shape; "No model" before one is loaded. A click asks for the Load Model dialog.
class ModelStatusLabel : public QLabel {
    Q_OBJECT

public:
    explicit ModelStatusLabel(QWidget *parent = nullptr);

    void setModel(std::shared_ptr<const GeoChatModel> model, const QString &folder);

signals:
    void clicked();

protected:
    void changeEvent(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    void retranslate();

    std::shared_ptr<const GeoChatModel> model_;
    QString folder_;
};

} // namespace geolens
