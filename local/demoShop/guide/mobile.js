// Iamport's mobile guide code (iamport-guide.md §2.1), byte for byte. The demo shop serves it inside a
// function, with one change made at serve time: m_redirect_url becomes the local API's
// /payments/complete/mobile (see local/demoShop/guideScripts.ts).
// biome-ignore-all lint: kept exactly as Iamport publishes it
// biome-ignore format: kept exactly as Iamport publishes it
IMP.request_pay({
    pg : 'uplus',
    pay_method : 'card',
    merchant_uid : 'merchant_' + new Date().getTime(),
    name : '주문명:결제테스트',
    amount : 14000,
    buyer_email : 'iamport@siot.do',
    buyer_name : '구매자이름',
    buyer_tel : '010-1234-5678',
    buyer_addr : '서울특별시 강남구 삼성동',
    buyer_postcode : '123-456',
    m_redirect_url : 'https://www.my-service.com/payments/complete/mobile'
});
