#pragma once

#include <QLabel>

#include <memory>

namespace geolens {

class GeoChatModel;

// The status bar's word on the model: its folder, device and weight type, and in the tooltip its
// layout, size and shape; "No model" before one is loaded.
class ModelStatusLabel : public QLabel {
    Q_OBJECT

public:
    explicit ModelStatusLabel(QWidget *parent = nullptr);

    void setModel(std::shared_ptr<const GeoChatModel> model, const QString &folder);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();

    std::shared_ptr<const GeoChatModel> model_;
    QString folder_;
};

} // namespace geolens
