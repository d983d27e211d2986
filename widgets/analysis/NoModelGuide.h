#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace geolens {

// What the Chat and Results panes show before a model is loaded: where the models come from, the
// commands that download them (selectable, with a Copy button), and a Load Model button.
class NoModelGuide : public QWidget {
    Q_OBJECT

public:
    explicit NoModelGuide(QWidget *parent = nullptr);

    // The download commands as the box shows them, for the clipboard and the tests.
    static QString downloadCommands();

signals:
    void loadModelRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();

    QLabel *title_, *text_;
    QPlainTextEdit *commands_;
    QPushButton *copy_, *load_;
};

} // namespace geolens
