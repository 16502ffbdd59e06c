// PortOne's V2 browser code, byte for byte: the page script of PortOne's official sample project
// portone-io/portone-sample, express-html/public/index.html (commit 0c083c7, the script element's
// content), the sample project PortOne's V2 checkout guide points to. It calls
// PortOne.requestPayment({storeId, channelKey, paymentId, orderName, totalAmount, currency, payMethod})
// and POSTs the paymentId to the server, as the guide does.
// https://github.com/portone-io/portone-sample/blob/main/express-html/public/index.html
//
// Copyright 2024, Korea PortOne Co., Ltd. Licensed under the MIT license (or Apache-2.0, at your
// option): https://github.com/portone-io/portone-sample/blob/main/LICENSE-MIT
//
// The demo shop serves it with three changes made at serve time (local/demoShop/guideScripts.ts): the
// store id and channel key become the sandbox's, and "/api/payment/complete" becomes the API's
// /v2/payments/complete. "/api/item" and the item's picture are served by the shop itself.
// biome-ignore-all lint: kept exactly as PortOne publishes it
// biome-ignore-all format: kept exactly as PortOne publishes it
      const checkout = new Checkout(
        "store-00000000-0000-0000-0000-000000000000", // 상점 ID
        "channel-key-00000000-0000-0000-0000-000000000000", // 채널 키
      )
      checkout.load()

      function Checkout(storeId, channelKey) {
        let item = null
        this.load = async () => {
          const waitPortOne = new Promise((resolve) => {
            const polling = setInterval(() => {
              if (window.PortOne != null) {
                clearInterval(polling)
                resolve()
              }
            }, 50)
          })
          const waitItem = await fetch("/api/item").then(
            async (response) => (item = await response.json()),
          )
          await Promise.all([waitPortOne, waitItem])
          window.loadingDialog.open = false
          window.checkoutDialog.open = true
          await this.showCheckout()
        }
        this.showCheckout = async () => {
          window.itemName.replaceChildren(item.name)
          window.itemImage.src = `/${item.id}.png`
          for (const priceElement of document.querySelectorAll(
            ".price-value",
          )) {
            priceElement.replaceChildren(`${item.price.toLocaleString()}원`)
          }
          window.checkoutDialog.onsubmit = async (e) => {
            e.preventDefault()
            this.setWaitingPayment(true)
            const paymentId = randomId()
            const payment = await PortOne.requestPayment({
              storeId,
              channelKey,
              paymentId,
              orderName: item.name,
              totalAmount: item.price,
              currency: item.currency,
              payMethod: "CARD",
              customData: {
                item: item.id,
              },
            })
            if (payment.code != null) {
              this.setWaitingPayment(false)
              console.log(payment)
              this.openFailDialog(payment.message)
              return
            }
            const completeResponse = await fetch("/api/payment/complete", {
              method: "POST",
              headers: {
                "Content-Type": "application/json",
              },
              body: JSON.stringify({
                paymentId: payment.paymentId,
              }),
            })
            this.setWaitingPayment(false)
            if (completeResponse.ok) {
              const paymentComplete = await completeResponse.json()
              switch (await paymentComplete.status) {
                case "PAID":
                  this.openSuccessDialog()
                  break
                case "VIRTUAL_ACCOUNT_ISSUED":
                  this.openVirtualAccountDialog()
                  break
              }
            } else {
              this.openFailDialog(await completeResponse.text())
            }
          }
          for (const dialogButton of document.getElementsByClassName(
            "closeDialog",
          )) {
            dialogButton.onclick = () => {
              dialogButton.closest('dialog').open = false
            }
          }
          window.checkoutDialog.style = ""
        }
        this.setWaitingPayment = (isWaiting) => {
          window.checkoutButton.setAttribute("aria-busy", isWaiting.toString())
          window.checkoutButton.disabled = isWaiting
        }
        this.openFailDialog = (message) => {
          window.failMessage.replaceChildren(message)
          window.failDialog.open = true
        }
        this.openSuccessDialog = () => {
          window.successDialog.open = true
        }
        this.openVirtualAccountDialog = () => {
          window.virtualAccountDialog.open = true
        }
        function randomId() {
          return [...crypto.getRandomValues(new Uint32Array(2))]
            .map((word) => word.toString(16).padStart(8, "0"))
            .join("")
        }
      }
