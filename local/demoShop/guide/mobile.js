// Iamport's mobile guide code, byte for byte: section "2.1 결제창 호출하기" of Iamport's LG U+ integration guide
// (iamport/iamport-manual, 인증결제/sample/uplus.md; source GUIDE in docs/iamport-v1.md),
// https://github.com/iamport/iamport-manual/blob/master/%EC%9D%B8%EC%A6%9D%EA%B2%B0%EC%A0%9C/sample/uplus.md
// The demo shop serves it inside a function, with one change made at serve time: m_redirect_url
// becomes the local API's /payments/complete/mobile (see local/demoShop/guideScripts.ts).
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
