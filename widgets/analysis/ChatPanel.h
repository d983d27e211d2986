#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTextBrowser;

namespace geolens {

// A conversation with the model about a tile or the view: the transcript with answers streamed
// as they are generated, a question line, and Send, Stop, Copy and Clear. It only shows and asks;
// the main window runs the model.
class ChatPanel : public QWidget {
    Q_OBJECT

public:
    explicit ChatPanel(QWidget *parent = nullptr);

    void setContext(const QString &description);
    void addQuestion(const QString &question);
    void beginAnswer();
    void appendToAnswer(const QString &piece);
    void endAnswer(bool cancelled, const QString &note = {});
    void setBusy(bool busy);
    void setReady(bool ready); // a model and a raster are there
    QString transcript() const;

public slots:
    void clear();

signals:
    void questionAsked(const QString &question);
    void stopRequested();
    void cleared();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void send();

    QLabel *context_;
    QTextBrowser *transcript_;
    QLineEdit *question_;
    QPushButton *send_, *stop_, *copy_, *clear_;
    QString answer_;
    QString html_;
    bool busy_ = false;
    bool ready_ = false;
};

} // namespace geolens
